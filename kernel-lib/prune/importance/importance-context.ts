/**
 * Builds the ImportanceContext from calibration sequences: gradients (for Taylor) and activation
 * statistics (for activation importance) are computed lazily, once, and shared by all groups.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel } from '../../model/types.ts';
import { getFamily } from '../../model/families.ts';
import { lossAndGrads } from '../../model/lm.ts';
import type { ImportanceContext } from './types.ts';

/** Calibration data: token sequences of equal length T+1 (inputs ids[0..T), targets ids[1..T]). */
export type Calibration = readonly Int32Array[];

interface Batch { readonly ids: tf.Tensor2D; readonly targets: tf.Tensor2D; readonly mask: tf.Tensor2D }

/** Batches of `size` sequences as [B, T] tensors (caller disposes). */
function* batches(seqs: Calibration, size: number): Generator<Batch> {
  for (let i = 0; i < seqs.length; i += size) {
    const chunk = seqs.slice(i, i + size);
    const T = chunk[0]!.length - 1;
    const ids = new Int32Array(chunk.length * T);
    const targets = new Int32Array(chunk.length * T);
    chunk.forEach((s, b) => {
      if (s.length !== T + 1) throw new Error(`calibration sequence ${i + b}: length ${s.length}, expected ${T + 1} like the first of its batch`);
      ids.set(s.subarray(0, T), b * T);
      targets.set(s.subarray(1), b * T);
    });
    yield {
      ids: tf.tensor2d(ids, [chunk.length, T], 'int32'),
      targets: tf.tensor2d(targets, [chunk.length, T], 'int32'),
      mask: tf.ones([chunk.length, T]) as tf.Tensor2D,
    };
  }
}

export function createImportanceContext(
  model: LanguageModel, calibration: Calibration, opts: { readonly batch: number; readonly seed: number },
): ImportanceContext {
  let grads: Map<string, tf.Tensor> | null = null;
  let acts: Map<string, Float32Array> | null = null;
  const need = (what: string): void => {
    if (calibration.length === 0) throw new Error(`importance: ${what} needs calibration data, but none was given`);
  };
  return {
    model,
    seed: opts.seed,
    gradients() {
      if (grads) return grads;
      need('gradients (taylor)');
      const sum = new Map<string, tf.Tensor>();
      let n = 0;
      for (const b of batches(calibration, opts.batch)) {
        const r = lossAndGrads(model, b);
        for (const [name, g] of r.grads) {
          const prev = sum.get(name);
          sum.set(name, prev ? tf.tidy(() => tf.add(prev, g)) : tf.clone(g));
          prev?.dispose();
          g.dispose();
        }
        tf.dispose([b.ids, b.targets, b.mask]);
        n++;
      }
      grads = new Map([...sum].map(([k, v]) => { const m = tf.div(v, n); v.dispose(); return [k, m] as [string, tf.Tensor]; }));
      return grads;
    },
    activations() {
      if (acts) return acts;
      need('activation statistics');
      const family = getFamily(model.family);
      const sums = new Map<string, tf.Tensor1D>();
      let rows = 0;
      for (const b of batches(calibration, opts.batch)) {
        tf.tidy(() => {
          family.hidden(model, b.ids, {
            capture: (site, a) => {                               // a: [N, cols]
              const key = `${site.kind}:${site.layer}`;
              const part = tf.sum(tf.abs(a), 0) as tf.Tensor1D;   // [cols]
              const prev = sums.get(key);
              sums.set(key, tf.keep(prev ? tf.add(prev, part) : part));
              prev?.dispose();
            },
          });
        });
        rows += b.ids.shape[0] * b.ids.shape[1];
        tf.dispose([b.ids, b.targets, b.mask]);
      }
      acts = new Map([...sums].map(([k, v]) => {
        const d = v.dataSync() as Float32Array;
        v.dispose();
        return [k, Float32Array.from(d, (x) => x / rows)] as [string, Float32Array];
      }));
      return acts;
    },
    dispose() {
      if (grads) for (const g of grads.values()) g.dispose();
      grads = null;
      acts = null;
    },
  };
}
