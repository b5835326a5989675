/**
 * Builds the ImportanceContext from calibration sequences: gradients (for Taylor, on tfjs) and
 * per-channel activation statistics (for flap, wanda-sp and activation, forward passes on ONNX
 * Runtime) are computed lazily, once, and shared by all groups.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel } from '../../model/types.ts';
import { ortChannelStats, type ChannelStats } from '../../engine/ort-channel-stats.ts';
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
  let stats: ChannelStats | null = null;
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
    channelStats() {
      if (stats) return stats;
      need('activation statistics');
      // the inputs of each sequence (ids[0..T)), as the gradient pass reads them
      stats = ortChannelStats(model, calibration.map((c) => c.subarray(0, c.length - 1)), { batch: opts.batch });
      return stats;
    },
    dispose() {
      if (grads) for (const g of grads.values()) g.dispose();
      grads = null;
      stats = null;
    },
  };
}
