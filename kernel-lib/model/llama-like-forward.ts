/**
 * The Llama-like decoder's tfjs forward pass, as transformers' modeling_llama.py composes it
 * (OLMo, Qwen2 and Mistral are the same blocks with switches): pre-norm decoder blocks
 *   x += o_proj(attn(rope(clip(q_proj(n(x)))), rope(clip(k_proj(n(x)))), clip(v_proj(n(x)))))
 *   x += down_proj(silu(gate_proj(n(x))) * up_proj(n(x)))
 * and a final n, where n is RMSNorm (x * rsqrt(mean(x^2) + eps) * weight, one weight per norm)
 * or OLMo's LayerNorm without weight or bias (eps 1e-5); clip (OLMo's clip_qkv) clamps to
 * +-clip_qkv; projections add their bias when the config has one (Qwen2: q/k/v; Llama:
 * attention_bias, mlp_bias); GQA repeats each kv head for H/K consecutive q heads (repeat_kv);
 * scores are scaled by 1/sqrt(D); RoPE in the rotate-half layout (model/rotary.ts, with Llama 3
 * scaling when configured). Per-layer widths come from the tensors (pruned layers); a layer
 * with no heads or no MLP neurons adds only its output bias, as transformers would.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardOptions, LanguageModel, LlamaLikeConfig } from './types.ts';
import { applyRotary } from './rotary.ts';
import { biasOf, EMBED, FINAL_NORM, layerNames } from './llama-like-params.ts';
import { causalAttention } from './ops/causal-attention.ts';
import { clipValue } from './ops/clip-value.ts';
import { embedding } from './ops/embedding.ts';
import { linearOutIn } from './ops/linear-out-in.ts';

type Model = LanguageModel<LlamaLikeConfig>;

/** RMSNorm with weight w [C], or LayerNorm without affine parameters when w is undefined: x [N, C] -> [N, C]. */
function norm(x: tf.Tensor2D, w: tf.Tensor | undefined, eps: number): tf.Tensor2D {
  return tf.tidy(() => {
    const xc = w ? x : tf.sub(x, tf.mean(x, -1, true));                      // [N, C]
    const inv = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), eps));     // [N, 1]
    return (w ? tf.mul(tf.mul(xc, inv), w) : tf.mul(xc, inv)) as tf.Tensor2D; // [N, C]
  });
}

/** h [N, in] @ W^T (+ bias when the model has one) -> [N, out]. */
function project(model: Model, h: tf.Tensor2D, weight: string): tf.Tensor2D {
  const y = linearOutIn(h, model.params.get(weight)! as tf.Tensor2D);       // [N, out]
  const b = model.params.get(biasOf(weight));
  return b ? tf.add(y, b) : y;
}

/** The output bias of a sublayer with no units left, broadcast to [N, C] (zeros without one). */
function outputBiasOnly(model: Model, weight: string, h: tf.Tensor2D): tf.Tensor2D {
  const b = model.params.get(biasOf(weight));
  return b ? tf.add(tf.zerosLike(h), b) : tf.zerosLike(h);
}

/** repeat_kv: [N, K*D] -> [N, K*rep*D], kv head j serving q heads j*rep .. j*rep+rep-1
 *  (slices + concat: both have gradients in tfjs-core, Tile has none). */
function repeatKv(x: tf.Tensor2D, kvHeads: number, rep: number, D: number): tf.Tensor2D {
  if (rep === 1) return x;
  const N = x.shape[0];
  const parts: tf.Tensor2D[] = [];
  for (let j = 0; j < kvHeads; j++) {
    const head = tf.slice(x, [0, j * D], [N, D]);                           // [N, D]
    for (let r = 0; r < rep; r++) parts.push(head);
  }
  return tf.concat(parts, 1);                                               // [N, K*rep*D]
}

/** One attention sublayer: h [N, C] (normalised) -> [N, C]. */
function attention(model: Model, i: number, h: tf.Tensor2D, B: number, T: number, opts: ForwardOptions): tf.Tensor2D {
  const c = model.config, D = c.headDim, n = layerNames(i);
  const heads = model.params.get(n.q)!.shape[0]! / D, kv = model.params.get(n.k)!.shape[0]! / D;
  if (heads === 0) return outputBiasOnly(model, n.o, h);
  const clip = (x: tf.Tensor2D): tf.Tensor2D => (c.clipQkv === null ? x : clipValue(x, c.clipQkv) as tf.Tensor2D);
  const q = applyRotary(clip(project(model, h, n.q)), B, T, heads, D, c.rope);                         // [N, h*D]
  const k = repeatKv(applyRotary(clip(project(model, h, n.k)), B, T, kv, D, c.rope), kv, heads / kv, D); // [N, h*D]
  const v = repeatKv(clip(project(model, h, n.v)), kv, heads / kv, D);                                 // [N, h*D]
  const drop = opts.training && c.attentionDropout > 0 ? { rate: c.attentionDropout, seed: (opts.seed ?? 0) * 1009 + i * 97 } : undefined;
  const y = causalAttention(tf.concat([q, k, v], 1), { batch: B, seqLen: T, heads, headDim: D }, drop); // [N, h*D]
  opts.capture?.({ layer: i, kind: 'heads' }, y);
  return project(model, y, n.o);                                            // [N, C]
}

/** One MLP sublayer: h [N, C] (normalised) -> down(silu(gate h) * up h) [N, C]. */
function mlp(model: Model, i: number, h: tf.Tensor2D, opts: ForwardOptions): tf.Tensor2D {
  const n = layerNames(i);
  if (model.params.get(n.gate)!.shape[0] === 0) return outputBiasOnly(model, n.down, h);
  const g = project(model, h, n.gate);                                      // [N, F]
  const a = tf.mul(tf.mul(g, tf.sigmoid(g)), project(model, h, n.up)) as tf.Tensor2D; // [N, F]
  opts.capture?.({ layer: i, kind: 'mlp' }, a);
  return project(model, a, n.down);                                         // [N, C]
}

/** Final normalised hidden states [B*T, C] for token ids [B, T] int32. */
export function llamaLikeHidden(model: Model, ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor2D {
  const c = model.config, p = model.params;
  if (ids.rank !== 2 || ids.dtype !== 'int32') throw new Error(`${c.family}.hidden: ids must be [B, T] int32, got [${ids.shape}] ${ids.dtype}`);
  const [B, T] = ids.shape;
  if (T > c.maxPositions) throw new Error(`${c.family}.hidden: sequence length ${T} exceeds max_position_embeddings ${c.maxPositions}`);
  return tf.tidy(() => {
    let x = embedding(p.get(EMBED)! as tf.Tensor2D, tf.reshape(ids, [B * T]) as tf.Tensor1D); // [N, C]
    for (let i = 0; i < c.numLayers; i++) {
      const n = layerNames(i);
      x = tf.add(x, attention(model, i, norm(x, p.get(n.inNorm), c.normEps), B, T, opts)); // [N, C]
      x = tf.add(x, mlp(model, i, norm(x, p.get(n.postNorm), c.normEps), opts));           // [N, C]
    }
    return norm(x, p.get(FINAL_NORM), c.normEps);                            // [N, C]
  });
}
