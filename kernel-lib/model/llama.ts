/**
 * Llama (transformers `LlamaForCausalLM`) as a params-map family.
 *
 * Pre-norm decoder blocks, as transformers' modeling_llama.py composes them:
 *   x += o_proj(attn(rope(q_proj(n1(x))), rope(k_proj(n1(x))), v_proj(n1(x))))
 *   x += down_proj(silu(gate_proj(n2(x))) * up_proj(n2(x)))
 * with n = RMSNorm (x * rsqrt(mean(x^2) + eps) * weight, one weight per norm), a final RMSNorm
 * (model.norm), no biases, GQA by repeating each kv head for H/K consecutive q heads, scaling
 * 1/sqrt(D), RoPE in the rotate-half layout (olmo-rope.ts: transformers uses the same function for
 * both), and the LM head tied to embed_tokens when tie_word_embeddings. Linear weights are torch
 * [out, in]. Per-layer widths come from the tensors (pruned layers).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Family, ForwardOptions, LanguageModel, LlamaConfig, PrunableGroup } from './types.ts';
import { llamaConfigJson, parseLlamaConfig, type LlamaLayerWidths } from './llama-config.ts';
import { applyRotary } from './olmo-rope.ts';
import { causalAttention } from './ops/causal-attention.ts';
import { embedding } from './ops/embedding.ts';
import { linearOutIn } from './ops/linear-out-in.ts';

const P = (i: number) => `model.layers.${i}`;
/** HF parameter names of layer i. */
export const llamaLayerNames = (i: number) => ({
  inNorm: `${P(i)}.input_layernorm.weight`, postNorm: `${P(i)}.post_attention_layernorm.weight`,
  q: `${P(i)}.self_attn.q_proj.weight`, k: `${P(i)}.self_attn.k_proj.weight`,
  v: `${P(i)}.self_attn.v_proj.weight`, o: `${P(i)}.self_attn.o_proj.weight`,
  gate: `${P(i)}.mlp.gate_proj.weight`, up: `${P(i)}.mlp.up_proj.weight`, down: `${P(i)}.mlp.down_proj.weight`,
});
const names = llamaLayerNames;
export const LLAMA_EMBED = 'model.embed_tokens.weight';
export const LLAMA_NORM = 'model.norm.weight';
export const LLAMA_LM_HEAD = 'lm_head.weight';

function paramShapes(c: LlamaConfig): Map<string, number[]> {
  const { hiddenSize: C, headDim: D, numHeads: H, numKeyValueHeads: K, intermediateSize: F } = c;
  const m = new Map<string, number[]>([[LLAMA_EMBED, [c.vocabSize, C]]]);
  for (let i = 0; i < c.numLayers; i++) {
    const n = names(i);
    m.set(n.inNorm, [C]); m.set(n.postNorm, [C]);
    m.set(n.q, [H * D, C]); m.set(n.k, [K * D, C]); m.set(n.v, [K * D, C]); m.set(n.o, [C, H * D]);
    m.set(n.gate, [F, C]); m.set(n.up, [F, C]); m.set(n.down, [C, F]);
  }
  m.set(LLAMA_NORM, [C]);
  if (!c.tieWordEmbeddings) m.set(LLAMA_LM_HEAD, [c.vocabSize, C]);
  return m;
}

/** Per-layer head / kv-head / MLP widths read from tensor shapes (no validation). */
export function llamaLayerWidths(c: LlamaConfig, shapes: ReadonlyMap<string, readonly number[]>): LlamaLayerWidths[] {
  const out: LlamaLayerWidths[] = [];
  for (let i = 0; i < c.numLayers; i++) {
    const n = names(i);
    out.push({ heads: shapes.get(n.q)![0]! / c.headDim, kvHeads: shapes.get(n.k)![0]! / c.headDim, mlp: shapes.get(n.gate)![0]! });
  }
  return out;
}

function checkShapes(c: LlamaConfig, shapes: ReadonlyMap<string, readonly number[]>, file: string): void {
  const want = paramShapes(c);
  for (const name of want.keys()) if (!shapes.has(name)) throw new Error(`${file}: missing tensor ${name} (Llama config with ${c.numLayers} layers, tie_word_embeddings ${c.tieWordEmbeddings})`);
  for (const name of shapes.keys()) if (!want.has(name)) throw new Error(`${file}: unexpected tensor ${name} for a Llama config with ${c.numLayers} layers, tie_word_embeddings ${c.tieWordEmbeddings}`);
  const C = c.hiddenSize, D = c.headDim;
  const s = (name: string) => shapes.get(name)!;
  const expect = (name: string, ok: boolean, what: string) => {
    if (!ok) throw new Error(`${file}: tensor ${name} has shape [${s(name)}], expected ${what}`);
  };
  const is = (name: string, ...dims: number[]) => s(name).length === dims.length && dims.every((d, j) => s(name)[j] === d);
  expect(LLAMA_EMBED, is(LLAMA_EMBED, c.vocabSize, C), `[${c.vocabSize}, ${C}]`);
  expect(LLAMA_NORM, is(LLAMA_NORM, C), `[${C}]`);
  if (!c.tieWordEmbeddings) expect(LLAMA_LM_HEAD, is(LLAMA_LM_HEAD, c.vocabSize, C), `[${c.vocabSize}, ${C}]`);
  const rep = c.numHeads / c.numKeyValueHeads;
  for (let i = 0; i < c.numLayers; i++) {
    const n = names(i);
    expect(n.inNorm, is(n.inNorm, C), `[${C}]`);
    expect(n.postNorm, is(n.postNorm, C), `[${C}]`);
    const rows = (name: string, max: number, unit: number, what: string) => {
      const sh = s(name);
      expect(name, sh.length === 2 && sh[1] === C && sh[0]! % unit === 0 && sh[0]! <= max, `[${what} <= ${max}, ${C}] (rows a multiple of ${unit})`);
      return sh[0]!;
    };
    const hq = rows(n.q, c.numHeads * D, D, 'heads*head_dim') / D;
    const hk = rows(n.k, c.numKeyValueHeads * D, D, 'kv_heads*head_dim') / D;
    expect(n.v, is(n.v, hk * D, C), `[${hk * D}, ${C}] like k_proj`);
    expect(n.q, hq === hk * rep, `${hk * rep * D} rows: ${rep} q heads per kv head (${hk} kv heads in k_proj)`);
    expect(n.o, is(n.o, C, hq * D), `[${C}, ${hq * D}] (q_proj has ${hq} heads)`);
    const f = rows(n.gate, c.intermediateSize, 1, 'intermediate');
    expect(n.up, is(n.up, f, C), `[${f}, ${C}] like gate_proj`);
    expect(n.down, is(n.down, C, f), `[${C}, ${f}] (gate_proj has ${f} rows)`);
  }
}

function initParams(c: LlamaConfig, seed: number): Map<string, tf.Tensor> {
  // transformers' _init_weights: Linear and Embedding ~ normal(0, initializer_range), RMSNorm
  // weights 1, the padding_idx row of embed_tokens zeroed when pad_token_id is set.
  const out = new Map<string, tf.Tensor>();
  let k = 0;
  for (const [name, shape] of paramShapes(c)) {
    if (shape.length === 1) { out.set(name, tf.ones(shape)); k++; continue; }
    const t = tf.randomNormal(shape, 0, c.initializerRange, 'float32', seed * 1000 + k++);
    if (name === LLAMA_EMBED && c.padTokenId !== null && c.padTokenId < c.vocabSize) {
      const keep = new Float32Array(c.vocabSize).fill(1);
      keep[c.padTokenId] = 0;
      out.set(name, tf.tidy(() => tf.mul(t, tf.tensor2d(keep, [c.vocabSize, 1]))));   // [V, C]
      t.dispose();
    } else out.set(name, t);
  }
  return out;
}

/** RMSNorm: x [N, C], w [C] -> x * rsqrt(mean(x^2) + eps) * w [N, C]. */
function rmsNorm(x: tf.Tensor2D, w: tf.Tensor, eps: number): tf.Tensor2D {
  return tf.tidy(() => {
    const inv = tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps));  // [N, 1]
    return tf.mul(tf.mul(x, inv), w) as tf.Tensor2D;                     // [N, C]
  });
}

/** repeat_kv: [N, K*D] -> [N, K*rep*D], kv head j serving q heads j*rep .. j*rep+rep-1. */
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
function attention(model: LanguageModel<LlamaConfig>, i: number, h: tf.Tensor2D, B: number, T: number, opts: ForwardOptions): tf.Tensor2D {
  const c = model.config, D = c.headDim, n = names(i), p = model.params;
  const wq = p.get(n.q)!, wk = p.get(n.k)!;
  const heads = wq.shape[0]! / D, kv = wk.shape[0]! / D;
  if (heads === 0) return tf.zerosLike(h);
  const q = applyRotary(linearOutIn(h, wq as tf.Tensor2D), B, T, heads, D, c.ropeTheta);            // [N, h*D]
  const k = repeatKv(applyRotary(linearOutIn(h, wk as tf.Tensor2D), B, T, kv, D, c.ropeTheta), kv, heads / kv, D); // [N, h*D]
  const v = repeatKv(linearOutIn(h, p.get(n.v)! as tf.Tensor2D), kv, heads / kv, D);             // [N, h*D]
  const drop = opts.training && c.attentionDropout > 0 ? { rate: c.attentionDropout, seed: (opts.seed ?? 0) * 1009 + i * 97 } : undefined;
  const y = causalAttention(tf.concat([q, k, v], 1), { batch: B, seqLen: T, heads, headDim: D }, drop); // [N, h*D]
  opts.capture?.({ layer: i, kind: 'heads' }, y);
  return linearOutIn(y, p.get(n.o)! as tf.Tensor2D);                         // [N, C]
}

/** One MLP sublayer: h [N, C] (normalised) -> down(silu(gate h) * up h) [N, C]. */
function mlp(model: LanguageModel<LlamaConfig>, i: number, h: tf.Tensor2D, opts: ForwardOptions): tf.Tensor2D {
  const n = names(i), p = model.params;
  const wg = p.get(n.gate)! as tf.Tensor2D;
  if (wg.shape[0] === 0) return tf.zerosLike(h);
  const g = linearOutIn(h, wg);                                             // [N, F]
  const a = tf.mul(tf.mul(g, tf.sigmoid(g)), linearOutIn(h, p.get(n.up)! as tf.Tensor2D)) as tf.Tensor2D; // [N, F]
  opts.capture?.({ layer: i, kind: 'mlp' }, a);
  return linearOutIn(a, p.get(n.down)! as tf.Tensor2D);                     // [N, C]
}

function hidden(model: LanguageModel<LlamaConfig>, ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor2D {
  const c = model.config, p = model.params;
  if (ids.rank !== 2 || ids.dtype !== 'int32') throw new Error(`llama.hidden: ids must be [B, T] int32, got [${ids.shape}] ${ids.dtype}`);
  const [B, T] = ids.shape;
  if (T > c.maxPositions) throw new Error(`llama.hidden: sequence length ${T} exceeds max_position_embeddings ${c.maxPositions}`);
  return tf.tidy(() => {
    let x = embedding(p.get(LLAMA_EMBED)! as tf.Tensor2D, tf.reshape(ids, [B * T]) as tf.Tensor1D); // [N, C]
    for (let i = 0; i < c.numLayers; i++) {
      const n = names(i);
      x = tf.add(x, attention(model, i, rmsNorm(x, p.get(n.inNorm)!, c.rmsNormEps), B, T, opts)); // [N, C]
      x = tf.add(x, mlp(model, i, rmsNorm(x, p.get(n.postNorm)!, c.rmsNormEps), opts));           // [N, C]
    }
    return rmsNorm(x, p.get(LLAMA_NORM)!, c.rmsNormEps);                    // [N, C]
  });
}

function groups(model: LanguageModel<LlamaConfig>): PrunableGroup[] {
  const c = model.config, D = c.headDim, out: PrunableGroup[] = [];
  for (let i = 0; i < c.numLayers; i++) {
    const n = names(i), p = model.params;
    const heads = p.get(n.q)!.shape[0]! / D, kv = p.get(n.k)!.shape[0]! / D;
    // A head unit is one kv head with the q heads that share it (a GQA group): its q rows, its
    // k and v rows and the matching o_proj columns, so repeat_kv stays consistent.
    const rep = kv === 0 ? 1 : heads / kv;
    out.push({
      kind: 'heads', layer: i, count: kv,
      slices: [
        { param: n.q, axis: 0, offset: 0, width: rep * D }, { param: n.k, axis: 0, offset: 0, width: D },
        { param: n.v, axis: 0, offset: 0, width: D }, { param: n.o, axis: 1, offset: 0, width: rep * D },
      ],
    });
    // An MLP neuron: a row of gate_proj and up_proj, and a column of down_proj.
    out.push({
      kind: 'mlp', layer: i, count: p.get(n.gate)!.shape[0]!,
      slices: [
        { param: n.gate, axis: 0, offset: 0, width: 1 }, { param: n.up, axis: 0, offset: 0, width: 1 },
        { param: n.down, axis: 1, offset: 0, width: 1 },
      ],
    });
  }
  return out;
}

export const llama: Family<LlamaConfig> = {
  name: 'llama',
  parseConfig: parseLlamaConfig,
  toConfigJson: (config, shapes) => llamaConfigJson(config, llamaLayerWidths(config, shapes)),
  paramShapes,
  checkShapes,
  initParams,
  hidden,
  lmHead: (model) => model.params.get(model.config.tieWordEmbeddings ? LLAMA_EMBED : LLAMA_LM_HEAD)! as tf.Tensor2D,
  groups,
};
