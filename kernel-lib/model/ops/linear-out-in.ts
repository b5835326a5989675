/**
 * Bias-free linear map with torch.nn.Linear layout (weight [out, in], as OLMo/Llama store it):
 * y = x @ W^T.
 *
 * tf.matMul(x, W, false, true) falls off the wasm XNNPACK path (docs/wasm-performance.md pitfall 1),
 * so the forward transposes W explicitly (one [out,in] -> [in,out] copy per call) and multiplies
 * untransposed. The backward then needs no copy of W at all: dx = dy @ W, and dW = dy^T @ x
 * (one transpose of dy), both untransposed 2-D matMuls.
 *
 * Measured on wasm (1 thread, N = 512, 2026-11-28): [out,in] = [2560,640] 72.6 ms vs 60.6 ms with
 * a pre-transposed weight, 979.9 ms with matMul(..., transposeB); [640,2560] 87.7 vs 76.4 vs 953.1;
 * computing (W @ x^T)^T instead: 96.0 / 101.4 ms. The per-call transpose costs ~15%; a cached
 * transposed copy was not kept because it doubles weight memory (OLMo-1B) and must track updates.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.ts';

const linearOutInOp = customOp<tf.Tensor2D>(([x, w], save) => {
  // Only x is saved: save() clones, and the wasm backend's Identity copies the data, so saving
  // W would hold a second copy of every weight until the backward ends. W is a variable the
  // caller keeps alive through the backward, so the gradient reads it from this closure.
  save([x!]);
  const W = w as tf.Tensor2D;
  return {
    // tidy: the transposed copy of W must not outlive the call.
    value: tf.tidy(() => tf.matMul(x as tf.Tensor2D, tf.transpose(W))),
    gradFunc: (dy, saved) => tf.tidy(() => {
      const sx = saved[0] as tf.Tensor2D;
      const dx = tf.matMul(dy, W);                          // [N, out] @ [out, in] -> [N, in]
      const dw = tf.matMul(tf.transpose(dy), sx);           // [out, N] @ [N, in] -> [out, in]
      return [dx, dw];
    }),
  };
});

/** x [N, in], w [out, in] -> x @ w^T [N, out]. `w` must stay alive (not be disposed or
 *  reassigned) until a backward through this call has run: model variables do. */
export function linearOutIn(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  if (x.rank !== 2 || w.rank !== 2 || x.shape[1] !== w.shape[1]) {
    throw new Error(`linearOutIn: expected x [N,in] and w [out,in], got x [${x.shape}] and w [${w.shape}]`);
  }
  return linearOutInOp(x, w);
}
