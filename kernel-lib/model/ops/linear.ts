/**
 * Affine map with Hugging Face Conv1D layout (weight [in, out]): y = x @ W + b.
 *
 * Forward and backward use only untransposed 2-D matMuls (wasm fast path, docs/wasm-performance.md
 * pitfall 1): dx = dy @ W^T, dW = x^T @ dy, db = ones[1,N] @ dy (a matMul instead of a
 * reduction over the non-inner axis).
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.ts';

/**
 * Whether the backend will take `b` as a FusedMatMul bias: the wasm kernel checks the rank of the
 * shape stored with the data id, which is the shape of the kernel output that made the data
 * (a reshape or a gather's result shares the data of a rank-2 tensor) rather than b's own.
 */
function fusableBias(b: tf.Tensor): boolean {
  const store = (tf.backend() as unknown as { dataIdMap?: { get(id: tf.DataId): { shape?: number[] } | undefined } }).dataIdMap;
  const shape = store?.get(b.dataId)?.shape;
  return shape === undefined || shape.length === 1;
}

const linearOp = customOp<tf.Tensor>(([x, w, b], save) => {
  save([x, w]);
  return {
    // FusedMatMul adds the bias inside XNNPACK's matmul (one pass less over [N, out]).
    value: fusableBias(b!)
      ? tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b })
      : tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b!),
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
