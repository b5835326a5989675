/**
 * Scoring on the shared-context graph (engine/build-shared-context-graph.ts): rows that hold a
 * context once and its continuations after it, with per-token positions and segments; hidden
 * states at the scored positions only, then the scoring head (engine/ort-score-head.ts).
 * Same output contract as ort-score-positions.ts.
 */
import type { LanguageModel } from '../model/types.ts';
import { buildSharedContextGraph } from './build-shared-context-graph.ts';
import { onnxFamily } from './onnx-families.ts';
import { modelSession } from './ort-sessions.ts';
import { i64, ortScoreHead, scoredRows, type ScorePair } from './ort-score-head.ts';

/** A batch of packed rows, each [B, T] row-major (segment -1 = padding). */
export interface SharedContextBatch {
  readonly ids: Int32Array;          // [B, T]
  readonly positions: Int32Array;    // [B, T]
  readonly segment: Int32Array;      // [B, T]
  readonly B: number;
  readonly T: number;
}

export function ortScoreShared(model: LanguageModel, batch: SharedContextBatch, pairs: readonly ScorePair[]): { logprobs: Float64Array; greedy: Uint8Array } {
  const { ids, positions, segment, B, T } = batch;
  const N = B * T;
  for (const [name, a] of [['ids', ids], ['positions', positions], ['segment', segment]] as const) {
    if (a.length !== N) throw new Error(`ortScoreShared: ${name} has ${a.length} entries, expected B*T = ${N}`);
  }
  const fam = onnxFamily(model.family);
  if (!fam) throw new Error(`ortScoreShared: family '${model.family}' has no ONNX description`);
  const V = model.config.vocabSize, P = model.config.maxPositions;
  for (let k = 0; k < N; k++) {
    const at = `[${Math.floor(k / T)}][${k % T}]`;
    if (!(ids[k]! >= 0 && ids[k]! < V)) throw new Error(`ortScoreShared: ids${at} = ${ids[k]} is outside the vocabulary [0, ${V})`);
    if (!(positions[k]! >= 0 && positions[k]! < P)) throw new Error(`ortScoreShared: positions${at} = ${positions[k]} is outside the model's [0, ${P})`);
  }
  for (const p of pairs) {
    if (!(p.pos >= 0 && p.pos < N)) throw new Error(`ortScoreShared: pos ${p.pos} outside [0, ${N})`);
    if (!(p.target >= 0 && p.target < V)) throw new Error(`ortScoreShared: target ${p.target} outside [0, ${V})`);
    if (segment[p.pos]! < 0) throw new Error(`ortScoreShared: pos ${p.pos} is padding (segment -1), it cannot be scored`);
  }
  if (pairs.length === 0) return { logprobs: new Float64Array(0), greedy: new Uint8Array(0) };
  const rows = scoredRows(pairs);
  const body = modelSession(model, 'shared-context', () => buildSharedContextGraph(model, fam));
  const t = (d: BigInt64Array, dims: number[]) => body.ort.tensor('int64', d, dims);
  const hidden = body.session.run({
    ids: t(i64(ids), [B, T]), positions: t(i64(positions), [B, T]), segment: t(i64(segment), [B, T]),
    rows: t(i64(rows), [rows.length]),
  }, { hidden: null }, {}).hidden!.data as Float32Array;                                 // [M, C]
  return ortScoreHead(model, fam, hidden, rows, pairs);
}
