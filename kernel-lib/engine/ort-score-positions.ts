/**
 * eval/score-positions.ts on ONNX Runtime: one forward pass of the body graph over ids [B, T],
 * hidden states gathered at the scored positions only, then the head graph (LM head,
 * log-softmax, argmax) on those rows in chunks of about 16 Mi logits. Same contract and output
 * as the tfjs scorer; log-probabilities are float32 values widened to float64.
 */
import type { LanguageModel } from '../model/types.ts';
/** Score log p(target | ids[..pos]) at a flattened [B, T] position (eval/score-positions.ts's ScorePair). */
type ScorePair = { readonly pos: number; readonly target: number };
import { buildBodyGraph, buildHeadGraph } from './build-graphs.ts';
import { onnxFamily } from './onnx-families.ts';
import { modelSession } from './ort-sessions.ts';

function i64(values: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(values.length);
  for (let k = 0; k < values.length; k++) out[k] = BigInt(values[k]!);
  return out;
}

export function ortScorePositions(
  model: LanguageModel, ids: Int32Array, B: number, T: number, pairs: readonly ScorePair[],
): { logprobs: Float64Array; greedy: Uint8Array } {
  if (ids.length !== B * T) throw new Error(`ortScorePositions: ids has ${ids.length} entries, expected B*T = ${B * T}`);
  const fam = onnxFamily(model.family);
  if (!fam) throw new Error(`ortScorePositions: family '${model.family}' has no ONNX description`);
  const V = model.config.vocabSize, C = model.config.hiddenSize;
  for (const p of pairs) {
    if (!(p.pos >= 0 && p.pos < B * T)) throw new Error(`ortScorePositions: pos ${p.pos} outside [0, ${B * T})`);
    if (!(p.target >= 0 && p.target < V)) throw new Error(`ortScorePositions: target ${p.target} outside [0, ${V})`);
  }
  for (let k = 0; k < ids.length; k++) {
    if (!(ids[k]! >= 0 && ids[k]! < V)) throw new Error(`ortScorePositions: ids[${Math.floor(k / T)}][${k % T}] = ${ids[k]} is outside the vocabulary [0, ${V})`);
  }
  if (T > model.config.maxPositions) throw new Error(`ortScorePositions: sequence length ${T} exceeds the model's ${model.config.maxPositions} positions`);
  const logprobs = new Float64Array(pairs.length);
  const greedy = new Uint8Array(pairs.length);
  if (pairs.length === 0) return { logprobs, greedy };
  const positions = [...new Set(pairs.map((p) => p.pos))].sort((a, b) => a - b);
  const rowOf = new Map(positions.map((p, m) => [p, m]));
  const body = modelSession(model, 'body', () => buildBodyGraph(model, fam));
  const t = (type: 'float32' | 'int64', d: ArrayBufferView, dims: number[]) => body.ort.tensor(type, d, dims);
  const hidden = body.session.run(
    { ids: t('int64', i64(ids), [B, T]), rows: t('int64', i64(positions), [positions.length]) }, { hidden: null }, {},
  ).hidden!.data as Float32Array;                                                        // [M, C]
  const head = modelSession(model, 'head', () => buildHeadGraph(model, fam));
  const M = positions.length;
  const chunk = Math.max(1, Math.floor((16 * 1024 * 1024) / V));
  const byRow: number[][] = Array.from({ length: M }, () => []);
  pairs.forEach((p, k) => byRow[rowOf.get(p.pos)!]!.push(k));
  for (let s = 0; s < M; s += chunk) {
    const e = Math.min(M, s + chunk);
    const ks = byRow.slice(s, e).flat();
    const out = head.session.run({
      x: t('float32', hidden.subarray(s * C, e * C), [e - s, C]),
      pair_row: t('int64', i64(ks.map((k) => rowOf.get(pairs[k]!.pos)! - s)), [ks.length]),
      target: t('int64', i64(ks.map((k) => pairs[k]!.target)), [ks.length]),
    }, { logprob: null, greedy: null }, {});
    const lp = out.logprob!.data as Float32Array, gr = out.greedy!.data as Uint8Array;
    ks.forEach((k, j) => { logprobs[k] = lp[j]!; greedy[k] = gr[j] ? 1 : 0; });
  }
  return { logprobs, greedy };
}
