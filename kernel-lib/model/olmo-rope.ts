/**
 * Rotary position embeddings as transformers applies them to OLMo (Llama's
 * `apply_rotary_pos_emb` with `rotate_half`): for a head vector x of dim D and position p,
 *   out = x * cos(p*f) + rotate_half(x) * sin(p*f),   rotate_half(x) = [-x[D/2:], x[:D/2]],
 * with f = cat(invFreq, invFreq), invFreq_i = 1 / theta^(2i/D), i < D/2. So element i and
 * i + D/2 rotate together by angle p*invFreq_i (the "half" pairing, not interleaved pairs).
 */
import * as tf from '@tensorflow/tfjs-core';

const f32 = Math.fround;
const tables = new Map<string, { readonly cos: Float32Array; readonly sin: Float32Array }>();

/**
 * cos and sin tables [T, D] for positions 0..T-1, rounded as transformers computes them in
 * float32 (inv_freq = 1 / base**(arange(0, D, 2).float() / D); freqs = pos.float() * inv_freq),
 * so large positions get the same angles as the reference, not more exact ones.
 */
export function rotaryTables(positions: number, headDim: number, theta: number): { readonly cos: Float32Array; readonly sin: Float32Array } {
  const key = `${positions}:${headDim}:${theta}`;
  const hit = tables.get(key);
  if (hit) return hit;
  const half = headDim / 2;
  const inv = new Float64Array(half);
  for (let i = 0; i < half; i++) inv[i] = f32(1 / f32(Math.pow(f32(theta), f32(f32(2 * i) / headDim))));
  const cos = new Float32Array(positions * headDim);
  const sin = new Float32Array(positions * headDim);
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < half; i++) {
      const a = f32(p * inv[i]!);
      const c = Math.cos(a), s = Math.sin(a);
      cos[p * headDim + i] = c; cos[p * headDim + i + half] = c;
      sin[p * headDim + i] = s; sin[p * headDim + i + half] = s;
    }
  }
  // Every layer's q and k use the same tables: keep the few recent shapes (plain JS memory).
  if (tables.size >= 8) tables.delete(tables.keys().next().value!);
  const out = { cos, sin };
  tables.set(key, out);
  return out;
}

/**
 * Applies RoPE to q or k laid out head-major per position.
 * x: [B*T, H*D] (row n = b*T + t); returns [B*T, H*D]. Positions are t = 0..T-1 in every row.
 */
export function applyRotary(x: tf.Tensor2D, batch: number, seqLen: number, heads: number, headDim: number, theta: number): tf.Tensor2D {
  return tf.tidy(() => {
    const half = headDim / 2;
    const { cos, sin } = rotaryTables(seqLen, headDim, theta);
    const cosT = tf.tensor4d(cos, [1, seqLen, 1, headDim]);
    const sinT = tf.tensor4d(sin, [1, seqLen, 1, headDim]);
    const x4 = tf.reshape(x, [batch, seqLen, heads, headDim]);                 // [B, T, H, D]
    const lo = tf.slice(x4, [0, 0, 0, 0], [batch, seqLen, heads, half]);       // [B, T, H, D/2]
    const hi = tf.slice(x4, [0, 0, 0, half], [batch, seqLen, heads, half]);    // [B, T, H, D/2]
    const rot = tf.concat([tf.neg(hi), lo], 3);                                // [B, T, H, D]
    const out = tf.add(tf.mul(x4, cosT), tf.mul(rot, sinT));                   // [B, T, H, D]
    return tf.reshape(out, [batch * seqLen, heads * headDim]) as tf.Tensor2D;
  });
}
