/**
 * The LM head fused with the next-token cross-entropy, laid out for the wasm backend
 * (docs/wasm-performance.md pitfalls 2, 4, 6, 7), and the evaluation scorer built on the same path.
 *
 *   - the big matrix is the A operand: zT = W @ x^T [V, n] (XNNPACK re-streams B per row tile);
 *   - [V, n] -> [n, V] is the fast transpose direction (0.18 s vs 1.4 s per 1024 x 50257);
 *   - log-partition from XNNPACK's softmax (0.08 s) instead of tf.logSumExp (0.48 s):
 *     lse_n = z_{n,t} - log p_{n,t} at the target t; a chunk where some p_{n,t} < 1e-30 (float32
 *     precision of p would be lost) falls back to tf.logSumExp;
 *   - no one-hot: the target term is a gather; its gradient a row gather / scatterND;
 *   - the backward stays in the [V, n] layout: dzT = exp(zT - lse) * w (the softmax times the
 *     position weight), dW = dzT @ x, dx = dz @ W in K chunks of 1024 vocabulary rows;
 *   - positions go in chunks of ~64 Mi logits; each chunk's zT is kept for the backward.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.ts';

/** Rows of x per chunk: about 64 Mi floats of logits at a time. */
function chunkRows(V: number, N: number): number {
  return Math.max(1, Math.min(N, Math.floor((64 * 1024 * 1024) / V)));
}

const K_CHUNK = 1024;
const P_FLOOR = 1e-30;

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
    const part = tf.matMul(tf.slice(dz, [0, k], [n, kk]), tf.slice(W, [k, 0], [kk, C])) as tf.Tensor2D;  // [n, C]
    if (acc) { const s = tf.add(acc, part) as tf.Tensor2D; acc.dispose(); part.dispose(); acc = s; } else acc = part;
  }
  return acc!;
}

/** z [n, V], targets [n] int32 -> { zt: z at targets [n], lse [n], p: softmax [n, V] }. */
function lseAtTargets(z: tf.Tensor2D, targets: tf.Tensor1D): { zt: tf.Tensor1D; lse: tf.Tensor1D; p: tf.Tensor2D } {
  const [n, V] = z.shape;
  const flat = tf.add(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(V, 'int32')), targets);   // [n] int32
  const zt = tf.gather(tf.reshape(z, [n * V]), flat) as tf.Tensor1D;                          // [n]
  const p = tf.softmax(z) as tf.Tensor2D;                                                     // [n, V]
  const pt = tf.gather(tf.reshape(p, [n * V]), flat) as tf.Tensor1D;                          // [n]
  const tiny = (tf.min(pt).dataSync()[0] ?? 1) < P_FLOOR;
  const lse = (tiny ? tf.logSumExp(z, 1) : tf.sub(zt, tf.log(pt))) as tf.Tensor1D;
  return { zt, lse, p };
}

const headCeOp = customOp<tf.Scalar>(([x, W, targets, w], save) => {
  const [N, C] = x!.shape as [number, number];
  const V = W!.shape[0]!;
  const rows = chunkRows(V, N);
  const lses: tf.Tensor1D[] = [], zts: tf.Tensor1D[] = [], zTs: tf.Tensor2D[] = [];
  for (let n0 = 0; n0 < N; n0 += rows) {
    const n = Math.min(rows, N - n0);
    const [zT, zt, lse] = tf.tidy(() => {
      const zTc = logitsT(tf.slice(x as tf.Tensor2D, [n0, 0], [n, C]), W as tf.Tensor2D);     // [V, n]
      const r = lseAtTargets(tf.transpose(zTc), tf.slice(targets as tf.Tensor1D, [n0], [n]));
      return [zTc, r.zt, r.lse];
    });
    zTs.push(zT as tf.Tensor2D); zts.push(zt as tf.Tensor1D); lses.push(lse as tf.Tensor1D);
  }
  const cat = (ts: tf.Tensor1D[]) => (ts.length === 1 ? ts[0]! : tf.concat(ts)) as tf.Tensor1D;
  const lse = cat(lses), zt = cat(zts);                                             // [N], [N]
  save([x!, W!, targets!, w!, lse, zt, ...zTs]);
  return {
    value: tf.sum(tf.mul(tf.sub(lse, zt), w!)),
    gradFunc: (dy, saved) => {
      const [sx, sW, st, sw, slse, szt] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
      const scale = tf.mul(sw, dy) as tf.Tensor1D;                                  // [N]
      let dW: tf.Tensor2D | null = null;
      const dxs: tf.Tensor2D[] = [];
      for (let c = 0, n0 = 0; n0 < N; c++, n0 += rows) {
        const n = Math.min(rows, N - n0);
        const [dxc, dWc] = tf.tidy(() => {
          const xc = tf.slice(sx, [n0, 0], [n, C]);                                 // [n, C]
          const lseRow = tf.reshape(tf.slice(slse, [n0], [n]), [1, n]);
          const sRow = tf.reshape(tf.slice(scale, [n0], [n]), [1, n]);
          const dzT = tf.mul(tf.exp(tf.sub(saved[6 + c]!, lseRow)), sRow) as tf.Tensor2D;   // [V, n] softmax * weight
          return [chunkedDx(tf.transpose(dzT), sW), tf.matMul(dzT, xc)];            // [n, C], [V, C]
        });
        dxs.push(dxc as tf.Tensor2D);
        if (dW) { const s = tf.add(dW, dWc!) as tf.Tensor2D; dW.dispose(); dWc!.dispose(); dW = s; } else dW = dWc as tf.Tensor2D;
      }
      // target term -sum w z_t: dx -= w * W[t], dW[t] -= w * x (duplicates summed by scatterND)
      const sCol = tf.reshape(scale, [N, 1]);
      const dx = tf.sub(dxs.length === 1 ? dxs[0]! : tf.concat(dxs, 0), tf.mul(tf.gather(sW, st), sCol));
      const dWt = tf.sub(dW!, tf.scatterND(tf.reshape(st, [N, 1]), tf.mul(sx, sCol), sW.shape));
      return [dx, dWt, tf.zerosLike(st), tf.mul(tf.sub(slse, szt), dy)];
    },
  };
});

/**
 * sum_n w_n * (logsumexp(W x_n) - (W x_n)_{t_n}): x [N, C], W [V, C], targets [N] int32 in
 * [0, V), w [N] float32 -> scalar. Differentiable w.r.t. x, W and w.
 */
export function headCrossEntropy(x: tf.Tensor2D, W: tf.Tensor2D, targets: tf.Tensor1D, w: tf.Tensor1D): tf.Scalar {
  const N = x.shape[0];
  if (x.rank !== 2 || W.rank !== 2 || x.shape[1] !== W.shape[1] || targets.shape[0] !== N || targets.dtype !== 'int32' || w.shape[0] !== N) {
    throw new Error(`headCrossEntropy: expected x [N,C], W [V,C], targets [N] int32, w [N]; got x [${x.shape}], W [${W.shape}], targets [${targets.shape}] ${targets.dtype}, w [${w.shape}]`);
  }
  return headCeOp(x, W, targets, w);
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

/**
 * Evaluation: x [M, C], W [V, C], targets [M] int32 -> log p(target) [M] and whether the target
 * is the argmax (first maximal index, as torch.argmax) [M] (bool as int32 0/1).
 */
export function headTargetLogProbs(x: tf.Tensor2D, W: tf.Tensor2D, targets: tf.Tensor1D): { logprob: tf.Tensor1D; greedy: tf.Tensor1D } {
  return tf.tidy(() => {
    const [M, C] = x.shape;
    const rows = chunkRows(W.shape[0], M);
    const lps: tf.Tensor1D[] = [], gs: tf.Tensor1D[] = [];
    for (let n0 = 0; n0 < M; n0 += rows) {
      const n = Math.min(rows, M - n0);
      const z = tf.transpose(logitsT(tf.slice(x, [n0, 0], [n, C]), W)) as tf.Tensor2D;     // [n, V]
      const t = tf.slice(targets, [n0], [n]);
      const { zt, lse } = lseAtTargets(z, t);
      lps.push(tf.sub(zt, lse) as tf.Tensor1D);
      gs.push(tf.cast(tf.equal(tf.argMax(z, 1), t), 'int32') as tf.Tensor1D);
    }
    const cat = (ts: tf.Tensor1D[]) => (ts.length === 1 ? ts[0]! : tf.concat(ts)) as tf.Tensor1D;
    return { logprob: cat(lps), greedy: cat(gs) };
  });
}
