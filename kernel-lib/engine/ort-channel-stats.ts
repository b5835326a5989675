/**
 * Calibration statistics from forward passes only, on ONNX Runtime: the statistics graph
 * (engine/build-stats-graph.ts) runs on batches of calibration sequences and its per-batch moments
 * are merged in float64 (engine/channel-moments.ts). Keyed `${kind}:${layer}` ('heads': the
 * attention output projection's input, head-major, D columns per query head; 'mlp': the MLP output
 * projection's input, one column per neuron). Memory: one row of each moment per channel, whatever
 * the number of calibration tokens.
 */
import type { LanguageModel } from '../model/types.ts';
import { buildStatsGraph, statsOutputs } from './build-stats-graph.ts';
import { emptyMoments, mergeMoments, type ChannelMoments } from './channel-moments.ts';
import { onnxFamily } from './onnx-families.ts';
import { modelSession } from './ort-sessions.ts';

export type ChannelStats = ReadonlyMap<string, ChannelMoments>;

export interface ChannelStatsOptions {
  /** Sequences per forward pass. */
  readonly batch: number;
  /** Called after each batch with the tokens seen so far (progress). */
  readonly onBatch?: (tokens: number) => void;
}

/**
 * Moments over every token of `sequences` (equal lengths T; the whole sequence is the input, as a
 * calibration forward pass reads it). Throws naming the sequence that has another length or a
 * token outside the vocabulary.
 */
export function ortChannelStats(model: LanguageModel, sequences: readonly Int32Array[], opts: ChannelStatsOptions): ChannelStats {
  const fam = onnxFamily(model.family);
  if (!fam) throw new Error(`calibration statistics: family '${model.family}' has no ONNX description`);
  if (!sequences.length) throw new Error('calibration statistics: no calibration sequences were given');
  if (!(Number.isInteger(opts.batch) && opts.batch >= 1)) throw new Error(`calibration statistics: batch must be an integer >= 1, got ${opts.batch}`);
  const T = sequences[0]!.length, V = model.config.vocabSize;
  if (T > model.config.maxPositions) throw new Error(`calibration statistics: sequences of ${T} tokens exceed the model's ${model.config.maxPositions} positions`);
  sequences.forEach((s, k) => {
    if (s.length !== T) throw new Error(`calibration sequence ${k}: length ${s.length}, expected ${T} like the first`);
    for (let t = 0; t < T; t++) if (!(s[t]! >= 0 && s[t]! < V)) throw new Error(`calibration sequence ${k}: token ${t} is ${s[t]}, outside the vocabulary [0, ${V})`);
  });
  let sites: { kind: string; layer: number }[] = [];
  const { ort, session } = modelSession(model, 'stats', () => { const b = buildStatsGraph(model, fam); sites = b.sites; return b.graph; });
  if (!sites.length) sites = buildStatsGraph(model, fam).sites;   // a cached session: only the site list is needed
  const fetches: Record<string, null> = {};
  for (const s of sites) for (const name of Object.values(statsOutputs(s.kind, s.layer))) fetches[name] = null;
  const acc = new Map<string, ChannelMoments>();
  let tokens = 0;
  for (let b0 = 0; b0 < sequences.length; b0 += opts.batch) {
    const chunk = sequences.slice(b0, b0 + opts.batch);
    const ids = new BigInt64Array(chunk.length * T);
    chunk.forEach((s, b) => { for (let t = 0; t < T; t++) ids[b * T + t] = BigInt(s[t]!); });
    const out = session.run({ ids: ort.tensor('int64', ids, [chunk.length, T]) }, fetches, {});
    const count = chunk.length * T;
    for (const s of sites) {
      const o = statsOutputs(s.kind, s.layer);
      const mean = out[o.mean]!.data as Float32Array;
      const key = `${s.kind}:${s.layer}`;
      const prev = acc.get(key) ?? emptyMoments(mean.length);
      acc.set(key, mergeMoments(prev, {
        count, mean, m2: out[o.m2]!.data as Float32Array, sqNorm: out[o.sq]!.data as Float32Array, absSum: out[o.abs]!.data as Float32Array,
      }));
    }
    tokens += count;
    opts.onBatch?.(tokens);
  }
  return acc;
}
