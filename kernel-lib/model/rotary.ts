/**
 * Rotary position embeddings as transformers applies them to every Llama-like model
 * (`apply_rotary_pos_emb` with `rotate_half`): for a head vector x of dim D and position p,
 *   out = x * cos(p*f) + rotate_half(x) * sin(p*f),   rotate_half(x) = [-x[D/2:], x[:D/2]],
 * with f = cat(invFreq, invFreq), invFreq_i = 1 / theta^(2i/D), i < D/2. So element i and
 * i + D/2 rotate together by angle p*invFreq_i (the "half" pairing, not interleaved pairs).
 *
 * Llama 3's rope_scaling (rope_type "llama3", transformers' _compute_llama3_parameters) rescales
 * invFreq by wavelength w_i = 2 pi / invFreq_i, with L0 = original_max_position_embeddings:
 *   w_i < L0 / high_freq_factor (high frequencies):  invFreq_i unchanged;
 *   w_i > L0 / low_freq_factor  (low frequencies):   invFreq_i / factor;
 *   otherwise, with s = (L0 / w_i - low_freq_factor) / (high_freq_factor - low_freq_factor):
 *                                                    (1 - s) * invFreq_i / factor + s * invFreq_i.
 * Its attention factor is 1, so cos and sin are not rescaled.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { RopeSpec } from './types.ts';

const f32 = Math.fround;
const tables = new Map<string, { readonly cos: Float32Array; readonly sin: Float32Array }>();

/**
 * invFreq [D/2] rounded as transformers computes it in float32
 * (inv_freq = 1 / base**(arange(0, D, 2).float() / D), then the llama3 rescaling in float32).
 */
export function inverseFrequencies(headDim: number, rope: RopeSpec): Float64Array {
  const half = headDim / 2;
  const inv = new Float64Array(half);
  for (let i = 0; i < half; i++) inv[i] = f32(1 / f32(Math.pow(f32(rope.theta), f32(f32(2 * i) / headDim))));
  const s = rope.scaling;
  if (s === null) return inv;
  const lowWavelen = s.originalMaxPositions / s.lowFreqFactor, highWavelen = s.originalMaxPositions / s.highFreqFactor;
  for (let i = 0; i < half; i++) {
    const w = f32((2 * Math.PI) / inv[i]!);
    if (w < highWavelen) continue;
    if (w > lowWavelen) { inv[i] = f32(inv[i]! / s.factor); continue; }
    const smooth = f32(f32(f32(s.originalMaxPositions / w) - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor));
    inv[i] = f32(f32(f32(f32(1 - smooth) * inv[i]!) / s.factor) + f32(smooth * inv[i]!));
  }
  return inv;
}

/**
 * cos and sin tables [T, D] for positions 0..T-1, rounded as transformers computes them in
 * float32 (freqs = pos.float() * inv_freq), so large positions get the same angles as the
 * reference, not more exact ones.
 */
export function rotaryTables(positions: number, headDim: number, rope: RopeSpec): { readonly cos: Float32Array; readonly sin: Float32Array } {
  const key = `${positions}:${headDim}:${JSON.stringify(rope)}`;
  const hit = tables.get(key);
  if (hit) return hit;
  const half = headDim / 2;
  const inv = inverseFrequencies(headDim, rope);
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
export function applyRotary(x: tf.Tensor2D, batch: number, seqLen: number, heads: number, headDim: number, rope: RopeSpec): tf.Tensor2D {
  return tf.tidy(() => {
    const half = headDim / 2;
    const { cos, sin } = rotaryTables(seqLen, headDim, rope);
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
