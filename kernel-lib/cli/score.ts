/**
 * `lab score MODEL (--text T | --ids 1,2,3) [--json]`: each token's log-probability given the
 * tokens before it (natural log; the first token has none), and their total.
 * JSON shape (stable): {"ids": [...], "tokens": [...], "logprobs": [null, x, ...], "total": x}
 */
import { scoreTokensOn } from '../engine/score-tokens-on.ts';
import { parseEngine } from '../runtime/engine-env.ts';
import { openModel, textTable } from './open-model.ts';
import { helpText, parseCommand, UsageError, type CommandSpec } from './args.ts';
import { applyOrtProviders, ortProvidersFlag } from './ort-providers-flag.ts';

export const summary = 'log-probability of each token given the previous ones, and the total';

export const spec = {
  name: 'lab score',
  usage: 'MODEL (--text T | --ids 1,2,3) [--json]',
  description: 'Natural-log probability of each token given the tokens before it (the first has none), and the total.',
  positionals: { min: 1, max: 1, names: ['MODEL'] },
  flags: {
    text: { type: 'string', value: 'T', help: 'text to score (tokenized with the model\'s tokenizer)' },
    ids: { type: 'string', value: '1,2,3', help: 'token ids to score instead of --text' },
    json: { type: 'boolean', help: 'print {"ids", "tokens", "logprobs", "total"}' },
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
  if ((values.text === undefined) === (values.ids === undefined)) throw new UsageError('give exactly one of --text T or --ids 1,2,3');
  const { model, tokenizer } = await openModel(positionals[0]!, values.revision);
  let ids: number[];
  if (values.ids !== undefined) {
    ids = values.ids.split(',').map((s, i) => {
      const n = Number(s.trim());
      if (s.trim() === '' || !Number.isInteger(n) || n < 0 || n >= model.config.vocabSize) throw new UsageError(`--ids: item ${i + 1} (${JSON.stringify(s)}) is not a token id in [0, ${model.config.vocabSize})`);
      return n;
    });
  } else {
    ids = tokenizer.encode(values.text!);
  }
  const flag = values.ids !== undefined ? '--ids' : '--text';
  if (ids.length === 0) throw new UsageError(`${flag}: nothing to score (no tokens)`);
  if (ids.length > model.config.maxPositions) throw new UsageError(`${flag}: ${ids.length} tokens exceed the model's context of ${model.config.maxPositions}`);
  const T = ids.length;
  const targets = new Int32Array(T).fill(-1);
  for (let t = 0; t + 1 < T; t++) targets[t] = ids[t + 1]!;
  const engine = values.engine === undefined ? undefined : parseEngine(values.engine, '--engine');
  const { logprobs } = scoreTokensOn(model, Int32Array.from(ids), 1, T, targets, engine);
  const per: (number | null)[] = [null, ...Array.from({ length: T - 1 }, (_, t) => logprobs[t]!)];
  const total = per.reduce<number>((s, x) => s + (x ?? 0), 0);
  const tokens = tokenizer.tokens(ids);
  if (values.json) console.log(JSON.stringify({ ids, tokens, logprobs: per, total }));
  else {
    console.log(textTable(['#', 'id', 'token', 'logprob'], ids.map((id, i) => [i, id, JSON.stringify(tokens[i]), per[i] === null ? '-' : per[i]!.toFixed(4)])));
    console.log(`total logprob ${total.toFixed(4)} over ${T - 1} predicted tokens (perplexity ${T > 1 ? Math.exp(-total / (T - 1)).toFixed(2) : '-'})`);
  }
  return 0;
}
