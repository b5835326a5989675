/**
 * Loss and gradients of a micro-batch on ONNX Runtime: one training graph per batch shape
 * [B, T] (engine/backward/build-train-graph.ts: the family's decoder, the loss head and the
 * hand-derived reverse pass), the parameters fed each run from host Float32Arrays, the gradients
 * ADDED into caller-owned arrays (the loop accumulates micro-batches), the summed loss returned.
 *
 * Dropout: with `dropout: 'apply'`, a call given a `dropoutSeed` runs the graph variant whose
 * dropout sites read keep masks drawn on the host from that seed (engine/backward/dropout-masks.ts);
 * without a seed it runs in evaluation mode. A model whose config asks for dropout is refused
 * unless `dropout` says 'apply' or 'ignore' (train without it).
 */
import type { LanguageModel } from '../model/types.ts';
import { paramFloat32, paramShapes } from '../model/param-values.ts';
import { onnxFamily } from '../engine/onnx-families.ts';
import { loadOrt, type NativeSession, type OrtTensor } from '../engine/ort-runtime.ts';
import { openSession } from '../engine/ort-sessions.ts';
import { buildTrainGraph } from '../engine/backward/build-train-graph.ts';
import { fillDropoutMasks, type DropoutMask } from '../engine/backward/dropout-masks.ts';
import type { PackedBatch } from './batch-tensors.ts';

export interface OrtGradientsOptions {
  /** Current parameter values by name, read at every call (e.g. the AdamW master weights, which
   *  it updates in place); default: a copy of the model's values taken once. */
  readonly weights?: ReadonlyMap<string, Float32Array>;
  /** Keep only each block's input and recompute the block in the backward (less memory, ~1/3 more work). */
  readonly recompute?: boolean;
  /** 'refuse' (default): a config with dropout > 0 is an error; 'ignore': train without dropout;
   *  'apply': the config's dropout wherever a call passes `dropoutSeed`. */
  readonly dropout?: 'refuse' | 'ignore' | 'apply';
}

export interface OrtGradients {
  /** Adds d(summed loss)/d(param) into acc (name -> flat array; names the model lacks are an error)
   *  and returns the summed loss and the number of scored positions (mask != 0). With `overwrite`
   *  the gradients replace acc's values instead (the first micro-batch of an update: no zeroing,
   *  no add); a batch without scored positions then leaves acc zero. With `dropoutSeed` (and
   *  `dropout: 'apply'`) the config's dropout is applied with masks drawn from that seed. */
  lossAndGrads(packed: PackedBatch, acc: ReadonlyMap<string, Float32Array>, opts?: { readonly overwrite?: boolean; readonly dropoutSeed?: number }): Promise<{ loss: number; tokens: number }>;
  /** The summed loss alone and the number of scored positions, from a loss-only graph of the same
   *  forward (no reverse pass): validation on the current weights. */
  loss(packed: PackedBatch): Promise<{ loss: number; tokens: number }>;
  /** Frees the sessions. */
  close(): void;
}

export function createOrtGradients(model: LanguageModel, opts: OrtGradientsOptions = {}): OrtGradients {
  const fam = onnxFamily(model.family);
  if (!fam) throw new Error(`createOrtGradients: no ONNX description for the ${model.family} family`);
  const rates = fam.dropoutRates(model);
  const anyDropout = rates.some((p) => p > 0);
  if ((opts.dropout ?? 'refuse') === 'refuse' && anyDropout) {
    throw new Error(`createOrtGradients: the ${model.family} config has dropout ${JSON.stringify(rates)}; pass dropout: 'apply' to train with it or 'ignore' to train without it`);
  }
  const applyDropout = opts.dropout === 'apply' && anyDropout;
  const { ort, reason } = loadOrt();
  if (!ort) throw new Error(`createOrtGradients: ${reason}`);
  const shapes = paramShapes(model);
  const weights = opts.weights ?? new Map([...shapes.keys()].map((n) => [n, paramFloat32(model, n)]));
  const sessions = new Map<string, { session: NativeSession; params: ReadonlyMap<string, readonly number[]>; masks: readonly DropoutMask[]; maskValues: Map<string, Uint8Array> }>();
  const V = model.config.vocabSize;

  const sessionFor = (B: number, T: number, lossOnly: boolean, dropout = false) => {
    const key = `${B}x${T}${lossOnly ? ' loss' : ''}${dropout ? ' dropout' : ''}`;
    let s = sessions.get(key);
    if (!s) {
      const t = buildTrainGraph(model, fam, B, T, { recompute: opts.recompute === true, lossOnly, dropout });
      s = { session: openSession(ort, t.graph.toBytes({ graph: lossOnly ? 'loss' : 'train' })), params: t.params, masks: t.masks, maskValues: new Map() };
      sessions.set(key, s);
    }
    return s;
  };

  /** The scored positions (mask != 0), their targets checked against the vocabulary. */
  const scoredRows = (packed: PackedBatch): number[] => {
    const rows: number[] = [];
    for (let k = 0; k < packed.B * packed.T; k++) {
      if (packed.mask[k] === 0) continue;
      const t = packed.targets[k]!;
      if (!(t >= 0 && t < V)) throw new Error(`createOrtGradients: target ${t} at row ${Math.floor(k / packed.T)}, position ${k % packed.T} is outside [0, ${V}) where the mask is ${packed.mask[k]}`);
      rows.push(k);
    }
    return rows;
  };

  /** The batch and the current parameter values as the graph's feeds. */
  const feedsFor = (packed: PackedBatch, rows: readonly number[], params: ReadonlyMap<string, readonly number[]>): Record<string, OrtTensor> => {
    const { B, T } = packed;
    const feeds: Record<string, OrtTensor> = {
      ids: ort.tensor('int64', BigInt64Array.from(packed.ids, BigInt), [B, T]),
      rows: ort.tensor('int64', BigInt64Array.from(rows, BigInt), [rows.length]),
      targets: ort.tensor('int64', BigInt64Array.from(rows, (k) => BigInt(packed.targets[k]!)), [rows.length]),
      weights: ort.tensor('float32', Float32Array.from(rows, (k) => packed.mask[k]!), [rows.length]),
    };
    for (const [name, dims] of params) {
      const w = weights.get(name);
      if (!w) throw new Error(`createOrtGradients: no current values for parameter '${name}'`);
      feeds[name] = ort.tensor('float32', w, dims);
    }
    return feeds;
  };

  return {
    async lossAndGrads(packed, acc, { overwrite = false, dropoutSeed } = {}) {
      const { B, T } = packed;
      for (const [name, a] of acc) {
        const shape = shapes.get(name);
        if (!shape) throw new Error(`createOrtGradients: accumulator '${name}' is not a parameter of the ${model.family} model`);
        const n = shape.reduce((p, d) => p * d, 1);
        if (a.length !== n) throw new Error(`createOrtGradients: accumulator '${name}' has ${a.length} values, the parameter [${shape}] has ${n}`);
      }
      const rows = scoredRows(packed);
      if (rows.length === 0) {
        if (overwrite) for (const a of acc.values()) a.fill(0);
        return { loss: 0, tokens: 0 };
      }
      const s = sessionFor(B, T, false, applyDropout && dropoutSeed !== undefined);
      const feeds = feedsFor(packed, rows, s.params);
      if (s.masks.length > 0) {
        fillDropoutMasks(s.masks, dropoutSeed!, s.maskValues);
        for (const m of s.masks) feeds[m.name] = ort.tensor('bool', s.maskValues.get(m.name)!, m.shape);
      }
      const fetches: Record<string, null> = { loss: null };
      for (const name of s.params.keys()) if (acc.has(name)) fetches[`grad.${name}`] = null;
      const out = s.session.run(feeds, fetches, {});
      for (const name of s.params.keys()) {
        const a = acc.get(name);
        if (!a) continue;
        const d = out[`grad.${name}`]!.data as Float32Array;
        if (overwrite) a.set(d);
        else for (let k = 0; k < a.length; k++) a[k] += d[k]!;
      }
      if (overwrite) for (const [name, a] of acc) if (!s.params.has(name)) a.fill(0);   // a parameter the graph never reads
      return { loss: (out.loss!.data as Float32Array)[0]!, tokens: rows.length };
    },
    async loss(packed) {
      const rows = scoredRows(packed);
      if (rows.length === 0) return { loss: 0, tokens: 0 };
      const s = sessionFor(packed.B, packed.T, true);
      const out = s.session.run(feedsFor(packed, rows, s.params), { loss: null }, {});
      return { loss: (out.loss!.data as Float32Array)[0]!, tokens: rows.length };
    },
    close() {
      for (const s of sessions.values()) s.session.dispose();
      sessions.clear();
    },
  };
}
