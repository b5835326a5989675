/**
 * Causal multi-head self-attention core on a fused q|k|v projection, as a loop of 2-D matmuls
 * over the B*H (sequence, head) pairs: batched / transposed matMuls miss XNNPACK on tfjs-wasm
 * (specs/performance.md, pitfall 1), and the score matrix of one pair is only [T, T].
 *
 * Right padding is exact: position t attends to positions <= t only, so real tokens never see
 * the pads that follow them; padded positions are simply ignored by the caller.
 */
import * as tf from '@tensorflow/tfjs-core';
import { matmul } from './matmul.ts';
import { dropout } from './dropout.ts';

export interface AttentionShape {
  readonly batch: number;    // B
  readonly seqLen: number;   // T
  readonly heads: number;    // h: heads present in this layer (pruned layers have fewer)
  readonly headDim: number;  // D
}

/** Additive causal mask [T, T]: 0 on and below the diagonal, -1e9 above. */
function causalMask(T: number): tf.Tensor2D {
  const m = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = -1e9;
  return tf.tensor2d(m, [T, T]);
}

/**
 * qkv [B*T, 3*h*D] (columns: q heads, then k heads, then v heads, head-major within each)
 * -> merged head outputs [B*T, h*D] (head-major), softmax(q k^T / sqrt(D) + mask) v per head.
 * `attnDropout` (rate, seed) applies to the attention probabilities when rate > 0.
 */
export function causalAttention(qkv: tf.Tensor2D, s: AttentionShape, attnDropout?: { rate: number; seed: number }): tf.Tensor2D {
  const { batch: B, seqLen: T, heads: h, headDim: D } = s;
  if (qkv.rank !== 2 || qkv.shape[0] !== B * T || qkv.shape[1] !== 3 * h * D) {
    throw new Error(`causalAttention: expected qkv [${B * T}, ${3 * h * D}] (B=${B}, T=${T}, h=${h}, D=${D}), got [${qkv.shape}]`);
  }
  return tf.tidy(() => {
    const mask = causalMask(T);                               // [T, T]
    const scale = 1 / Math.sqrt(D);
    const rows: tf.Tensor2D[] = [];
    for (let b = 0; b < B; b++) {
      const outs: tf.Tensor2D[] = [];
      for (let i = 0; i < h; i++) {
        const q = tf.slice(qkv, [b * T, i * D], [T, D]);                   // [T, D]
        const k = tf.slice(qkv, [b * T, (h + i) * D], [T, D]);             // [T, D]
        const v = tf.slice(qkv, [b * T, (2 * h + i) * D], [T, D]);         // [T, D]
        const scores = tf.add(matmul(tf.mul(q, scale), tf.transpose(k)), mask) as tf.Tensor2D; // [T, T]
        let p = tf.softmax(scores) as tf.Tensor2D;                          // [T, T]
        if (attnDropout && attnDropout.rate > 0) p = dropout(p, attnDropout.rate, attnDropout.seed + b * h + i);
        outs.push(matmul(p, v));                                            // [T, D]
      }
      rows.push(h === 1 ? outs[0]! : tf.concat(outs, 1));                   // [T, h*D]
    }
    return (B === 1 ? rows[0]! : tf.concat(rows, 0)) as tf.Tensor2D;        // [B*T, h*D]
  });
}
