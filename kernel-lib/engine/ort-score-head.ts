/**
 * The scoring head on ONNX Runtime (engine/build-graphs.ts head graph): hidden states of the
 * scored positions -> log-softmax at each pair's target and whether the target is the first
 * argmax, in chunks of about 16 Mi logits so a long input never builds a [B*T, V] tensor.
 * Shared by the body scorer (ort-score-positions.ts) and the shared-context scorer
 * (ort-score-shared.ts). Log-probabilities are float32 values widened to float64.
 */
import type { LanguageModel } from '../model/types.ts';
import type { OnnxFamily } from './onnx-family.ts';
import { buildHeadGraph } from './build-graphs.ts';
import { modelSession } from './ort-sessions.ts';

/** Score log p(target | input up to pos) at a flattened [B, T] position. */
export interface ScorePair { readonly pos: number; readonly target: number }

export function i64(values: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(values.length);
  for (let k = 0; k < values.length; k++) out[k] = BigInt(values[k]!);
  return out;
}

/** The distinct scored positions of `pairs`, ascending: the rows the body graph must return. */
export function scoredRows(pairs: readonly ScorePair[]): number[] {
  return [...new Set(pairs.map((p) => p.pos))].sort((a, b) => a - b);
}

/** hidden [M, C] at `rows` (scoredRows(pairs)) -> per pair log p and greedy. */
export function ortScoreHead(
  model: LanguageModel, fam: OnnxFamily, hidden: Float32Array, rows: readonly number[], pairs: readonly ScorePair[],
): { logprobs: Float64Array; greedy: Uint8Array } {
  const V = model.config.vocabSize, C = model.config.hiddenSize;
  const logprobs = new Float64Array(pairs.length);
  const greedy = new Uint8Array(pairs.length);
  const M = rows.length;
  if (hidden.length !== M * C) throw new Error(`ortScoreHead: hidden has ${hidden.length} values, expected ${M} rows x ${C}`);
  const rowOf = new Map(rows.map((p, m) => [p, m]));
  const head = modelSession(model, 'head', () => buildHeadGraph(model, fam));
  const t = (type: 'float32' | 'int64', d: ArrayBufferView, dims: number[]) => head.ort.tensor(type, d, dims);
  const chunk = Math.max(1, Math.floor((16 * 1024 * 1024) / V));
  const byRow: number[][] = Array.from({ length: M }, () => []);
  pairs.forEach((p, k) => byRow[rowOf.get(p.pos)!]!.push(k));
  for (let s = 0; s < M; s += chunk) {
    const e = Math.min(M, s + chunk);
    const ks = byRow.slice(s, e).flat();
    const out = head.session.run({
      x: t('float32', hidden.subarray(s * C, e * C), [e - s, C]),                       // [m, C]
      pair_row: t('int64', i64(ks.map((k) => rowOf.get(pairs[k]!.pos)! - s)), [ks.length]),
      target: t('int64', i64(ks.map((k) => pairs[k]!.target)), [ks.length]),
    }, { logprob: null, greedy: null }, {});
    const lp = out.logprob!.data as Float32Array, gr = out.greedy!.data as Uint8Array;
    ks.forEach((k, j) => { logprobs[k] = lp[j]!; greedy[k] = gr[j] ? 1 : 0; });
  }
  return { logprobs, greedy };
}
