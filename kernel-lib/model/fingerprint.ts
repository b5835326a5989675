/**
 * A model's identity for caches: sha256 over its family, its config (canonical JSON of the raw
 * config.json object) and, for each parameter in name order, the name, shape, dtype and bytes.
 * Two models with equal fingerprints give equal outputs. Memoised per model object: a model
 * whose variables are assigned in place afterwards must be fingerprinted with `{ fresh: true }`.
 */
import { createHash } from 'node:crypto';
import type { LanguageModel } from './types.ts';
import { stableStringify } from '../runtime/files.ts';
import { unmaterialized } from './host-params.ts';

const memo = new WeakMap<object, string>();

/** Hex sha256 fingerprint of the model (see the file comment). */
export function modelFingerprint(model: LanguageModel, opts: { readonly fresh?: boolean } = {}): string {
  const hit = opts.fresh ? undefined : memo.get(model);
  if (hit) return hit;
  const h = createHash('sha256');
  h.update(`family ${model.family}\nconfig ${stableStringify(model.config.raw)}\n`);
  const host = unmaterialized(model.params);
  for (const name of [...model.params.keys()].sort()) {
    // stored F16/BF16 tensors are hashed widened to float32: the same bytes as their tfjs variables
    const t = host?.tensor(name);
    const v = t ? null : model.params.get(name)!;
    h.update(`param ${name} [${(t ?? v)!.shape.join(',')}] ${t ? 'float32' : v!.dtype}\n`);
    const data = t ? t.float32() : v!.dataSync();
    h.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  const fp = h.digest('hex');
  memo.set(model, fp);
  return fp;
}
