/**
 * Next-token logits on ONNX Runtime through the decoder graph (engine/build-graphs.ts), with a
 * key/value cache: the first call runs the whole prompt, each later call one new position
 * (its keys/values are appended to the cache, so a step costs one position, not the window).
 * Without the cache (`cache: false`) every call recomputes the window, as the tfjs path does.
 */
import type { LanguageModel } from '../model/types.ts';
import { buildDecoderGraph, cacheNames } from './build-graphs.ts';
import { onnxFamily } from './onnx-families.ts';
import { modelSession } from './ort-sessions.ts';
import type { OrtTensor } from './ort-runtime.ts';

export interface DecoderOutput {
  /** [B, T, V] logits, row-major. */
  readonly logits: Float32Array;
  /** present.{l}.key/value, to feed back as the next call's past. */
  readonly present: Map<string, OrtTensor>;
}

function i64(values: readonly number[]): BigInt64Array {
  return BigInt64Array.from(values, (v) => BigInt(v));
}

/** Runs the decoder graph once: ids [B, T] after P cached positions (past from the last call or none). */
export function runDecoder(model: LanguageModel, ids: readonly number[], B: number, T: number, past: Map<string, OrtTensor> | null): DecoderOutput {
  const fam = onnxFamily(model.family);
  if (!fam) throw new Error(`runDecoder: family '${model.family}' has no ONNX description`);
  const { ort, session } = modelSession(model, 'decoder', () => buildDecoderGraph(model, fam));
  const caches = cacheNames(fam, model);
  const D = fam.cacheHeads(model).headDim;
  const P = past && caches.length ? past.get(caches[0]!.present[0])!.dims[2]! : 0;
  if (P + T > model.config.maxPositions) throw new Error(`runDecoder: ${P} cached + ${T} new positions exceed the model's ${model.config.maxPositions}`);
  const feeds: Record<string, OrtTensor> = {
    input_ids: ort.tensor('int64', i64(ids), [B, T]),
    attention_mask: ort.tensor('int64', i64(new Array(B * (P + T)).fill(1)), [B, P + T]),
    position_ids: ort.tensor('int64', i64(Array.from({ length: B * T }, (_, k) => P + (k % T))), [B, T]),
  };
  const fetches: Record<string, null> = { logits: null };
  for (const c of caches) {
    for (const j of [0, 1]) {
      feeds[c.past[j]!] = past ? past.get(c.present[j]!)! : ort.tensor('float32', new Float32Array(0), [B, c.kvHeads, 0, D]);
      fetches[c.present[j]!] = null;
    }
  }
  const out = session.run(feeds, fetches, {});
  const present = new Map<string, OrtTensor>();
  for (const c of caches) for (const j of [0, 1]) present.set(c.present[j]!, out[c.present[j]!]!);
  return { logits: out.logits!.data as Float32Array, present };
}

/** A generation session: `next(ids)` returns the logits [V] after the given new tokens. */
export function ortNextLogits(model: LanguageModel, opts: { cache: boolean }): (seq: readonly number[]) => Float32Array {
  const V = model.config.vocabSize, L = model.config.maxPositions;
  let past: Map<string, OrtTensor> | null = null;
  let seen = 0;   // tokens of seq already in the cache
  return (seq) => {
    let input: readonly number[];
    if (opts.cache && past && seq.length <= L && seen < seq.length) {
      input = seq.slice(seen);
    } else {
      input = seq.slice(-L);       // no cache, first call, or the window slid: recompute the window
      past = null;
    }
    const r = runDecoder(model, input, 1, input.length, past);
    past = opts.cache ? r.present : null;
    seen = seq.length;
    return r.logits.slice((input.length - 1) * V, input.length * V);
  };
}
