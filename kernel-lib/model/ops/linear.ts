/**
 * Affine map with Hugging Face Conv1D layout (weight [in, out]): y = x @ W + b.
 *
 * Forward and backward use only untransposed 2-D matMuls (wasm fast path, specs/performance.md
 * pitfall 1): dx = dy @ W^T, dW = x^T @ dy, db = ones[1,N] @ dy (a matMul instead of a
 * reduction over the non-inner axis).
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.ts';

const linearOp = customOp<tf.Tensor>(([x, w, b], save) => {
  save([x, w]);
  return {
    // FusedMatMul adds the bias inside XNNPACK's matmul (one pass less over [N, out]).
    value: tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b }),
    gradFunc: (dy, saved) => {
      const g = dy as tf.Tensor2D;                        // [N, out]
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dx = tf.matMul(g, tf.transpose(sw));          // [N, in]
      const dw = tf.matMul(tf.transpose(sx), g);          // [in, out]
      const db = tf.reshape(tf.matMul(tf.ones([1, g.shape[0]]), g), [g.shape[1]]); // [out]
      return [dx, dw, db];
    },
  };
});

/** x [N, in] @ w [in, out] + b [out] -> [N, out]. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  if (x.rank !== 2 || w.rank !== 2 || x.shape[1] !== w.shape[0] || b.rank !== 1 || b.shape[0] !== w.shape[1]) {
    throw new Error(`linear: expected x [N,in], w [in,out], b [out]; got x [${x.shape}], w [${w.shape}], b [${b.shape}]`);
  }
  return linearOp(x, w, b) as tf.Tensor2D;
}
