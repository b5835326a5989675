/**
 * `lab score MODEL (--text T | --ids 1,2,3) [--json]`: each token's log-probability given the
 * tokens before it (natural log; the first token has none), and their total.
 * JSON shape (stable): {"ids": [...], "tokens": [...], "logprobs": [null, x, ...], "total": x}
 */
import { parseArgs } from 'node:util';
import { scoreTokensOn } from '../engine/score-tokens-on.ts';
import { parseEngine } from '../runtime/engine-env.ts';
import { openModel, textTable } from './open-model.ts';

export const summary = 'log-probability of each token given the previous ones, and the total';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: {
    text: { type: 'string' }, ids: { type: 'string' }, json: { type: 'boolean', default: false }, revision: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    engine: { type: 'string' },
  } });
  if (values.help || positionals.length !== 1 || (values.text === undefined) === (values.ids === undefined)) {
    console.error('usage: lab score MODEL (--text T | --ids 1,2,3) [--json] [--revision R] [--engine ort|tfjs]');
    return values.help ? 0 : 2;
  }
  const { model, tokenizer } = await openModel(positionals[0]!, values.revision);
  let ids: number[];
  if (values.ids !== undefined) {
    ids = values.ids.split(',').map((s, i) => {
      const n = Number(s.trim());
      if (!Number.isInteger(n) || n < 0 || n >= model.config.vocabSize) throw new Error(`--ids: item ${i + 1} (${JSON.stringify(s)}) is not a token id in [0, ${model.config.vocabSize})`);
      return n;
    });
  } else {
    ids = tokenizer.encode(values.text!);
  }
  if (ids.length === 0) throw new Error('nothing to score: the text has no tokens');
  if (ids.length > model.config.maxPositions) throw new Error(`${ids.length} tokens exceed the model's context of ${model.config.maxPositions}`);
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
