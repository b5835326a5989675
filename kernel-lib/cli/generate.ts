/**
 * `lab generate MODEL --prompt T [--max-new-tokens N] [--top-k K --temperature X --seed S] [--json]`:
 * greedy decoding by default (top-k 1), top-k sampling with k > 1. Generation stops at the model's
 * context (prompt + new tokens <= n_positions), saying so on stderr; it never slides the window.
 * JSON shape (stable): {"prompt": str, "promptIds": [...], "ids": [...], "text": str}
 */
import { generate, generateDefaults, generationPromptIds, newTokenBudget } from '../generate/generate.ts';
import { openModel } from './open-model.ts';
import { createProgress } from '../runtime/progress.ts';
import { helpText, numberArg, parseCommand, UsageError, type CommandSpec } from './args.ts';
import { parseEngine } from '../runtime/engine-env.ts';
import { applyOrtProviders, ortProvidersFlag } from './ort-providers-flag.ts';

export const summary = 'continue a prompt (greedy, or top-k sampling)';

export const spec = {
  name: 'lab generate',
  usage: 'MODEL --prompt T [options]',
  description: 'Greedy decoding (top-k 1) or top-k sampling. Stops at the eos token, after --max-new-tokens, or when prompt +\n'
    + 'new tokens fill the model\'s context (printed on stderr; the window never slides past the context).',
  positionals: { min: 1, max: 1, names: ['MODEL'] },
  flags: {
    prompt: { type: 'string', value: 'T', help: 'text to continue (required)' },
    'max-new-tokens': { type: 'string', value: 'N', help: `tokens to add at most (default ${generateDefaults.maxNewTokens})` },
    'top-k': { type: 'string', value: 'K', help: `1 = greedy; K > 1 samples among the K most likely (default ${generateDefaults.topK})` },
    temperature: { type: 'string', value: 'X', help: `divides the logits before sampling (default ${generateDefaults.temperature})` },
    seed: { type: 'string', value: 'S', help: `sampling seed (default ${generateDefaults.seed})` },
    json: { type: 'boolean', help: 'print {"prompt", "promptIds", "ids", "text"}' },
    revision: { type: 'string', value: 'R', help: 'hub revision of MODEL' },
    engine: { type: 'string', value: 'ort|tfjs', help: 'forward-pass engine (default ort when onnxruntime-node loads, else tfjs)' },
    'ort-providers': ortProvidersFlag,
  },
} as const satisfies CommandSpec;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (!parsed) { console.log(helpText(spec)); return 0; }
  const { values, positionals } = parsed;
  applyOrtProviders(values['ort-providers']);
  if (values.prompt === undefined) throw new UsageError('--prompt is required (the text to continue)');
  const maxNewTokens = numberArg(values['max-new-tokens'], 'max-new-tokens', { integer: true, min: 0 }) ?? generateDefaults.maxNewTokens;
  const topK = numberArg(values['top-k'], 'top-k', { integer: true, min: 1 }) ?? generateDefaults.topK;
  const temperature = numberArg(values.temperature, 'temperature', { min: 0, exclusiveMin: true }) ?? generateDefaults.temperature;
  const seed = numberArg(values.seed, 'seed', { integer: true }) ?? generateDefaults.seed;
  const { model, tokenizer } = await openModel(positionals[0]!, values.revision);
  const P = generationPromptIds(tokenizer, values.prompt).length;
  const C = model.config.maxPositions;
  if (P > C) throw new UsageError(`--prompt: ${P} tokens, more than the model's context of ${C} positions`);
  const budget = newTokenBudget(model, P, maxNewTokens);
  if (budget < maxNewTokens) {
    console.error(`[generate] the prompt (${P} tokens) + --max-new-tokens ${maxNewTokens} exceed the model's context of ${C} positions: stopping after at most ${budget} new tokens`);
  }
  const progress = createProgress({ label: 'generate', total: budget, unit: 'tok', intervalMs: 2000 });
  const t0 = Date.now();
  const g = generate(model, tokenizer, values.prompt, { maxNewTokens, topK, temperature, seed, ...(values.engine === undefined ? {} : { engine: parseEngine(values.engine, '--engine') }) }, { onToken: () => progress.tick() });
  if (Date.now() - t0 > 2000) progress.done(g.stop);
  if (g.stop === 'context') console.error(`[generate] stopped at the context limit: ${P} + ${g.ids.length} = ${C} positions`);
  if (values.json) console.log(JSON.stringify({ prompt: values.prompt, promptIds: g.promptIds, ids: g.ids, text: g.text }));
  else console.log(values.prompt + g.text);
  return 0;
}
