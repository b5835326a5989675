/**
 * The LM head's log-partition: sum_n w_n * logsumexp_v (W x_n)_v, for the cross-entropy, without
 * ever materialising an [N, V] one-hot, and laid out for the wasm backend (specs/performance.md
 * pitfalls 2, 4, 6):
 *   - the big matrix is the A operand: zT = W @ x^T [V, n] (XNNPACK re-streams B per row tile);
 *   - [V, n] -> [n, V] is the fast transpose direction, so lse is a reduction over the inner axis;
 *   - the backward stays in the [V, n] layout: dzT = exp(zT - lse) * w (softmax times weight),
 *     dW += dzT @ x_chunk, dx = dz @ W with K chunks of 1024 vocabulary rows;
 *   - positions are processed in chunks of `rows` so no [V, N] tensor for all N exists at once.
 * The target-logit half of the cross-entropy is a row gather (ops/embedding.ts) done by the caller.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.ts';

/** Rows of x per chunk: about 64 Mi floats of logits at a time. */
function chunkRows(V: number, N: number): number {
  return Math.max(1, Math.min(N, Math.floor((64 * 1024 * 1024) / V)));
}

const K_CHUNK = 1024;

/** x [n, C], W [V, C] -> logits transposed zT [V, n]. */
function logitsT(x: tf.Tensor2D, W: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(W, tf.transpose(x));
}

/** dz [n, V] @ W [V, C] -> [n, C], summed over K chunks of W's rows. */
function chunkedDx(dz: tf.Tensor2D, W: tf.Tensor2D): tf.Tensor2D {
  const [n, V] = dz.shape;
  const C = W.shape[1];
  let acc: tf.Tensor2D | null = null;
  for (let k = 0; k < V; k += K_CHUNK) {
    const kk = Math.min(K_CHUNK, V - k);
    const part = tf.matMul(tf.slice(dz, [0, k], [n, kk]), tf.slice(W, [k, 0], [kk, C]));  // [n, C]
    if (acc) { const s = tf.add(acc, part) as tf.Tensor2D; acc.dispose(); part.dispose(); acc = s; } else acc = part as tf.Tensor2D;
  }
  return acc!;
}

const headLseOp = customOp<tf.Scalar>(([x, W, w], save) => {
  const [N, C] = x!.shape as [number, number];
  const V = W!.shape[0]!;
  const rows = chunkRows(V, N);
  const lses: tf.Tensor1D[] = [];
  for (let n0 = 0; n0 < N; n0 += rows) {
    const n = Math.min(rows, N - n0);
    lses.push(tf.tidy(() => tf.logSumExp(tf.transpose(logitsT(tf.slice(x as tf.Tensor2D, [n0, 0], [n, C]), W as tf.Tensor2D)), 1) as tf.Tensor1D));
  }
  const lse = (lses.length === 1 ? lses[0]! : tf.concat(lses)) as tf.Tensor1D;   // [N]
  save([x!, W!, w!, lse]);
  return {
    value: tf.sum(tf.mul(lse, w!)),
    gradFunc: (dy, saved) => {
      const [sx, sW, sw, slse] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
      const scale = tf.mul(sw, dy);                                             // [N]
      let dW: tf.Tensor2D | null = null;
      const dxs: tf.Tensor2D[] = [];
      for (let n0 = 0; n0 < N; n0 += rows) {
        const n = Math.min(rows, N - n0);
        const [dxc, dWc] = tf.tidy(() => {
          const xc = tf.slice(sx, [n0, 0], [n, C]);                                   // [n, C]
          const zT = logitsT(xc, sW);                                                 // [V, n]
          const lseRow = tf.reshape(tf.slice(slse, [n0], [n]), [1, n]);
          const sRow = tf.reshape(tf.slice(scale, [n0], [n]), [1, n]);
          const dzT = tf.mul(tf.exp(tf.sub(zT, lseRow)), sRow) as tf.Tensor2D;        // [V, n]
          return [chunkedDx(tf.transpose(dzT), sW), tf.matMul(dzT, xc)];              // [n, C], [V, C]
        });
        dxs.push(dxc);
        if (dW) { const s = tf.add(dW, dWc) as tf.Tensor2D; dW.dispose(); dWc.dispose(); dW = s; } else dW = dWc;
      }
      const dx = dxs.length === 1 ? dxs[0]! : tf.concat(dxs, 0);
      const dw = tf.mul(slse, dy);                                              // [N]
      return [dx, dW!, dw];
    },
  };
});

/**
 * sum_n w_n * logsumexp(W x_n): x [N, C], W [V, C], w [N] float32 -> scalar.
 * Differentiable w.r.t. x, W and w.
 */
export function headLogSumExp(x: tf.Tensor2D, W: tf.Tensor2D, w: tf.Tensor1D): tf.Scalar {
  if (x.rank !== 2 || W.rank !== 2 || x.shape[1] !== W.shape[1] || w.rank !== 1 || w.shape[0] !== x.shape[0]) {
    throw new Error(`headLogSumExp: expected x [N,C], W [V,C], w [N]; got x [${x.shape}], W [${W.shape}], w [${w.shape}]`);
  }
  return headLseOp(x, W, w);
}

/** x [N, C], W [V, C] -> logits [N, V], chunked over N with the big matrix on the A side. */
export function headLogits(x: tf.Tensor2D, W: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [N, C] = x.shape;
    const rows = chunkRows(W.shape[0], N);
    const parts: tf.Tensor2D[] = [];
    for (let n0 = 0; n0 < N; n0 += rows) {
      const n = Math.min(rows, N - n0);
      parts.push(tf.transpose(logitsT(tf.slice(x, [n0, 0], [n, C]), W)));
    }
    return parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
  });
}
