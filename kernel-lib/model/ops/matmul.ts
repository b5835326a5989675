/**
 * 2-D matrix product whose forward AND backward stay on the wasm backend's fast path.
 *
 * tfjs-wasm 4.22 sends a matMul to XNNPACK only when it is untransposed, 2-D and batch 1
 * (docs/wasm-performance.md, pitfall 1); the built-in gradient of tf.matMul uses transposeA/B and
 * falls to a ~12x slower scalar loop. Here the backward transposes explicitly and multiplies
 * untransposed: da = dy @ b^T, db = a^T @ dy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.ts';

const matmulOp = customOp<tf.Tensor>(([a, b], save) => {
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy, saved) => {
      const g = dy as tf.Tensor2D;
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(g, tf.transpose(sb)), tf.matMul(tf.transpose(sa), g)];
    },
  };
});

/** a [M, K] @ b [K, N] -> [M, N], with a wasm-fast gradient. */
export function matmul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[0]) {
    throw new Error(`matmul: expected a [M,K] and b [K,N], got a [${a.shape}] and b [${b.shape}]`);
  }
  return matmulOp(a, b) as tf.Tensor2D;
}
