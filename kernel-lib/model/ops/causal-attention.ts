/**
 * Causal multi-head self-attention core on a fused q|k|v projection, as a loop of 2-D matmuls
 * over the B*H (sequence, head) pairs: batched / transposed matMuls miss XNNPACK on tfjs-wasm
 * (docs/wasm-performance.md, pitfall 1), and the score matrix of one pair is only [T, T].
 *
 * The backward is written by hand: autodiff of the per-head slices would pad every head's
 * gradient back to the full [N, 3hD] and sum B*H of them; here the per-head gradients are
 * concatenated once.
 *
 * Right padding is exact: position t attends to positions <= t only, so real tokens never see
 * the pads that follow them; padded positions are simply ignored by the caller.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.ts';

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

/** Concatenates along `axis` unless there is a single part. */
function cat(parts: tf.Tensor2D[], axis: number): tf.Tensor2D {
  return parts.length === 1 ? parts[0]! : tf.concat(parts, axis);
}

function attentionOp(s: AttentionShape, drop: { rate: number; seed: number } | undefined) {
  const { batch: B, seqLen: T, heads: h, headDim: D } = s;
  const scale = 1 / Math.sqrt(D);
  const rate = drop?.rate ?? 0;
  return customOp<tf.Tensor2D>(([qkv], save) => {
    const x = qkv as tf.Tensor2D;
    const mask = causalMask(T);                                                       // [T, T]
    const probs: tf.Tensor2D[] = [], keeps: tf.Tensor2D[] = [], rows: tf.Tensor2D[] = [];
    for (let b = 0; b < B; b++) {
      const outs: tf.Tensor2D[] = [];
      for (let i = 0; i < h; i++) {
        const [p, keep, y] = tf.tidy(() => {
          const q = tf.slice(x, [b * T, i * D], [T, D]);                              // [T, D]
          const k = tf.slice(x, [b * T, (h + i) * D], [T, D]);                        // [T, D]
          const v = tf.slice(x, [b * T, (2 * h + i) * D], [T, D]);                    // [T, D]
          const pr = tf.softmax(tf.add(tf.matMul(tf.mul(q, scale), tf.transpose(k)), mask)) as tf.Tensor2D; // [T, T]
          if (rate === 0) return [pr, null, tf.matMul(pr, v)];
          const kp = tf.div(tf.cast(tf.greaterEqual(tf.randomUniform([T, T], 0, 1, 'float32', drop!.seed + b * h + i), rate), 'float32'), 1 - rate) as tf.Tensor2D;
          return [pr, kp, tf.matMul(tf.mul(pr, kp), v)];
        });
        probs.push(p as tf.Tensor2D);
        if (keep) keeps.push(keep as tf.Tensor2D);
        outs.push(y as tf.Tensor2D);                                                  // [T, D]
      }
      rows.push(cat(outs, 1));                                                        // [T, hD]
    }
    mask.dispose();
    const out = cat(rows, 0);                                                         // [B*T, hD]
    save([x, ...probs, ...keeps]);
    return {
      value: out,
      gradFunc: (dy, saved) => {
        const sx = saved[0] as tf.Tensor2D;
        const dRows: tf.Tensor2D[] = [];
        for (let b = 0; b < B; b++) {
          const dq: tf.Tensor2D[] = [], dk: tf.Tensor2D[] = [], dv: tf.Tensor2D[] = [];
          for (let i = 0; i < h; i++) {
            const j = b * h + i;
            const p = saved[1 + j] as tf.Tensor2D, keep = rate > 0 ? saved[1 + B * h + j] as tf.Tensor2D : null;
            const g = tf.tidy(() => {
              const q = tf.slice(sx, [b * T, i * D], [T, D]);
              const k = tf.slice(sx, [b * T, (h + i) * D], [T, D]);
              const v = tf.slice(sx, [b * T, (2 * h + i) * D], [T, D]);
              const gy = tf.slice(dy, [b * T, i * D], [T, D]);                        // [T, D]
              const pd = keep ? tf.mul(p, keep) : p;                                  // [T, T] probabilities used
              const gv = tf.matMul(tf.transpose(pd), gy);                             // [T, D]
              let gp = tf.matMul(gy, tf.transpose(v));                                // [T, T]
              if (keep) gp = tf.mul(gp, keep);
              const gs = tf.mul(p, tf.sub(gp, tf.sum(tf.mul(gp, p), 1, true)));       // [T, T] softmax backward
              const gq = tf.mul(tf.matMul(gs, k), scale);                             // [T, D]
              const gk = tf.matMul(tf.transpose(gs), tf.mul(q, scale));               // [T, D]
              return [gq, gk, gv];
            });
            dq.push(g[0] as tf.Tensor2D); dk.push(g[1] as tf.Tensor2D); dv.push(g[2] as tf.Tensor2D);
          }
          dRows.push(tf.concat([...dq, ...dk, ...dv], 1));                            // [T, 3hD]
        }
        return [cat(dRows, 0)];                                                       // [B*T, 3hD]
      },
    };
  });
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
  if (attnDropout && !(attnDropout.rate >= 0 && attnDropout.rate < 1)) throw new Error(`causalAttention: dropout rate must be in [0, 1), got ${attnDropout.rate}`);
  return attentionOp(s, attnDropout)(qkv);
}
