/**
 * `lab generate MODEL --prompt T [--max-new-tokens N] [--top-k K --temperature X --seed S] [--json]`:
 * greedy decoding by default (top-k 1), top-k sampling with k > 1.
 * JSON shape (stable): {"prompt": str, "promptIds": [...], "ids": [...], "text": str}
 */
import { parseArgs } from 'node:util';
import { generate, generateDefaults } from '../generate/generate.ts';
import { openModel } from './open-model.ts';
import { numberFlagOr } from './number-flag.ts';
import { parseEngine } from '../runtime/engine-env.ts';

export const summary = 'continue a prompt (greedy, or top-k sampling)';


export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: {
    prompt: { type: 'string' }, 'max-new-tokens': { type: 'string' }, 'top-k': { type: 'string' }, temperature: { type: 'string' },
    seed: { type: 'string' }, json: { type: 'boolean', default: false }, revision: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    engine: { type: 'string' },
  } });
  if (values.help || positionals.length !== 1 || values.prompt === undefined) {
    console.error('usage: lab generate MODEL --prompt T [--max-new-tokens 40] [--top-k 1] [--temperature 1] [--seed 0] [--json] [--engine ort|tfjs]');
    return values.help ? 0 : 2;
  }
  const { model, tokenizer } = await openModel(positionals[0]!, values.revision);
  const g = generate(model, tokenizer, values.prompt, {
    maxNewTokens: numberFlagOr(values['max-new-tokens'], 'max-new-tokens', generateDefaults.maxNewTokens),
    topK: numberFlagOr(values['top-k'], 'top-k', generateDefaults.topK),
    temperature: numberFlagOr(values.temperature, 'temperature', generateDefaults.temperature),
    seed: numberFlagOr(values.seed, 'seed', generateDefaults.seed),
    ...(values.engine === undefined ? {} : { engine: parseEngine(values.engine, '--engine') }),
  });
  if (values.json) console.log(JSON.stringify({ prompt: values.prompt, promptIds: g.promptIds, ids: g.ids, text: g.text }));
  else console.log(values.prompt + g.text);
  return 0;
}
