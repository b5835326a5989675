/**
 * eval/score-positions.ts on ONNX Runtime: one forward pass of the body graph over ids [B, T],
 * hidden states gathered at the scored positions only, then the head graph (engine/ort-score-head.ts:
 * LM head, log-softmax, argmax) on those rows. Same contract and output
 * as the tfjs scorer; log-probabilities are float32 values widened to float64.
 */
import type { LanguageModel } from '../model/types.ts';
import { buildBodyGraph } from './build-graphs.ts';
import { onnxFamily } from './onnx-families.ts';
import { modelSession } from './ort-sessions.ts';
import { i64, ortScoreHead, scoredRows, type ScorePair } from './ort-score-head.ts';

export function ortScorePositions(
  model: LanguageModel, ids: Int32Array, B: number, T: number, pairs: readonly ScorePair[],
): { logprobs: Float64Array; greedy: Uint8Array } {
  if (ids.length !== B * T) throw new Error(`ortScorePositions: ids has ${ids.length} entries, expected B*T = ${B * T}`);
  const fam = onnxFamily(model.family);
  if (!fam) throw new Error(`ortScorePositions: family '${model.family}' has no ONNX description`);
  const V = model.config.vocabSize;
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
  const positions = scoredRows(pairs);
  const body = modelSession(model, 'body', () => buildBodyGraph(model, fam));
  const t = (type: 'float32' | 'int64', d: ArrayBufferView, dims: number[]) => body.ort.tensor(type, d, dims);
  const hidden = body.session.run(
    { ids: t('int64', i64(ids), [B, T]), rows: t('int64', i64(positions), [positions.length]) }, { hidden: null }, {},
  ).hidden!.data as Float32Array;                                                        // [M, C]
  return ortScoreHead(model, fam, hidden, positions, pairs);
}
