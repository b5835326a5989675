/**
 * OLMo (transformers `OlmoForCausalLM`, e.g. allenai/OLMo-1B-hf) as a params-map family.
 *
 * Architecture as transformers' modular_olmo.py builds it on Llama (checked 2026-11 with the
 * search tool): pre-norm decoder blocks
 *   x += o_proj(attn(rope(clip(q_proj(n(x)))), rope(clip(k_proj(n(x)))), clip(v_proj(n(x)))))
 *   x += down_proj(silu(gate_proj(n(x))) * up_proj(n(x)))
 * with n = OlmoLayerNorm (LayerNorm WITHOUT weight or bias, eps 1e-5, in float32), a final n,
 * no biases anywhere, GQA by repeating each kv head for H/K consecutive q heads (repeat_kv),
 * scaling 1/sqrt(D), and the LM head tied to embed_tokens when tie_word_embeddings.
 * Linear weights are torch [out, in]. Per-layer widths come from the tensors (pruned layers).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Family, ForwardOptions, LanguageModel, OlmoConfig, PrunableGroup } from './types.ts';
import { olmoConfigJson, parseOlmoConfig, type OlmoLayerWidths } from './olmo-config.ts';
import { applyRotary } from './olmo-rope.ts';
import { causalAttention } from './ops/causal-attention.ts';
import { clipValue } from './ops/clip-value.ts';
import { embedding } from './ops/embedding.ts';
import { linearOutIn } from './ops/linear-out-in.ts';

/** OlmoLayerNorm's epsilon: hard-coded 1e-5 in transformers, not a config key. */
const LN_EPS = 1e-5;

const P = (i: number) => `model.layers.${i}`;
const names = (i: number) => ({
  q: `${P(i)}.self_attn.q_proj.weight`, k: `${P(i)}.self_attn.k_proj.weight`,
  v: `${P(i)}.self_attn.v_proj.weight`, o: `${P(i)}.self_attn.o_proj.weight`,
  gate: `${P(i)}.mlp.gate_proj.weight`, up: `${P(i)}.mlp.up_proj.weight`, down: `${P(i)}.mlp.down_proj.weight`,
});
const EMBED = 'model.embed_tokens.weight';
const LM_HEAD = 'lm_head.weight';

function paramShapes(c: OlmoConfig): Map<string, number[]> {
  const { hiddenSize: C, headDim: D, numHeads: H, numKeyValueHeads: K, intermediateSize: F } = c;
  const m = new Map<string, number[]>([[EMBED, [c.vocabSize, C]]]);
  for (let i = 0; i < c.numLayers; i++) {
    const n = names(i);
    m.set(n.q, [H * D, C]); m.set(n.k, [K * D, C]); m.set(n.v, [K * D, C]); m.set(n.o, [C, H * D]);
    m.set(n.gate, [F, C]); m.set(n.up, [F, C]); m.set(n.down, [C, F]);
  }
  if (!c.tieWordEmbeddings) m.set(LM_HEAD, [c.vocabSize, C]);
  return m;
}

/** Per-layer head / kv-head / MLP widths read from tensor shapes (no validation). */
export function olmoLayerWidths(c: OlmoConfig, shapes: ReadonlyMap<string, readonly number[]>): OlmoLayerWidths[] {
  const out: OlmoLayerWidths[] = [];
  for (let i = 0; i < c.numLayers; i++) {
    const n = names(i);
    out.push({ heads: shapes.get(n.q)![0]! / c.headDim, kvHeads: shapes.get(n.k)![0]! / c.headDim, mlp: shapes.get(n.gate)![0]! });
  }
  return out;
}

function checkShapes(c: OlmoConfig, shapes: ReadonlyMap<string, readonly number[]>, file: string): void {
  const want = paramShapes(c);
  for (const name of want.keys()) if (!shapes.has(name)) throw new Error(`${file}: missing tensor ${name} (OLMo config with ${c.numLayers} layers, tie_word_embeddings ${c.tieWordEmbeddings})`);
  for (const name of shapes.keys()) if (!want.has(name)) throw new Error(`${file}: unexpected tensor ${name} for an OLMo config with ${c.numLayers} layers, tie_word_embeddings ${c.tieWordEmbeddings}`);
  const C = c.hiddenSize, D = c.headDim;
  const expect = (name: string, ok: boolean, what: string) => {
    if (!ok) throw new Error(`${file}: tensor ${name} has shape [${shapes.get(name)}], expected ${what}`);
  };
  const s = (name: string) => shapes.get(name)!;
  expect(EMBED, s(EMBED).length === 2 && s(EMBED)[0] === c.vocabSize && s(EMBED)[1] === C, `[${c.vocabSize}, ${C}]`);
  if (!c.tieWordEmbeddings) expect(LM_HEAD, s(LM_HEAD).length === 2 && s(LM_HEAD)[0] === c.vocabSize && s(LM_HEAD)[1] === C, `[${c.vocabSize}, ${C}]`);
  const rep = c.numHeads / c.numKeyValueHeads;
  for (let i = 0; i < c.numLayers; i++) {
    const n = names(i);
    const rows = (name: string, max: number, unit: number, what: string) => {
      const sh = s(name);
      expect(name, sh.length === 2 && sh[1] === C && sh[0]! % unit === 0 && sh[0]! <= max, `[${what} <= ${max}, ${C}] (rows a multiple of ${unit})`);
      return sh[0]!;
    };
    const hq = rows(n.q, c.numHeads * D, D, 'heads*head_dim') / D;
    const hk = rows(n.k, c.numKeyValueHeads * D, D, 'kv_heads*head_dim') / D;
    expect(n.v, s(n.v).length === 2 && s(n.v)[0] === hk * D && s(n.v)[1] === C, `[${hk * D}, ${C}] like k_proj`);
    expect(n.q, hq === hk * rep, `${hk * rep * D} rows: ${rep} q heads per kv head (${hk} kv heads in k_proj)`);
    expect(n.o, s(n.o).length === 2 && s(n.o)[0] === C && s(n.o)[1] === hq * D, `[${C}, ${hq * D}] (q_proj has ${hq} heads)`);
    const f = rows(n.gate, c.intermediateSize, 1, 'intermediate');
    expect(n.up, s(n.up).length === 2 && s(n.up)[0] === f && s(n.up)[1] === C, `[${f}, ${C}] like gate_proj`);
    expect(n.down, s(n.down).length === 2 && s(n.down)[0] === C && s(n.down)[1] === f, `[${C}, ${f}] (gate_proj has ${f} rows)`);
  }
}

function initParams(c: OlmoConfig, seed: number): Map<string, tf.Tensor> {
  // transformers' _init_weights: every Linear and the Embedding ~ normal(0, initializer_range),
  // and the padding_idx (pad_token_id) row of embed_tokens zeroed.
  const out = new Map<string, tf.Tensor>();
  let k = 0;
  for (const [name, shape] of paramShapes(c)) {
    const t = tf.randomNormal(shape, 0, c.initializerRange, 'float32', seed * 1000 + k++);
    if (name === EMBED && c.padTokenId !== null && c.padTokenId < c.vocabSize) {
      const keep = new Float32Array(c.vocabSize).fill(1);
      keep[c.padTokenId] = 0;
      const zeroed = tf.tidy(() => tf.mul(t, tf.tensor2d(keep, [c.vocabSize, 1])));   // [V, C]
      t.dispose();
      out.set(name, zeroed);
    } else out.set(name, t);
  }
  return out;
}

/** OlmoLayerNorm: x [N, C] -> (x - mean) / sqrt(var + 1e-5) [N, C], no affine parameters. */
function olmoLayerNorm(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const xc = tf.sub(x, tf.mean(x, -1, true));                          // [N, C]
    const inv = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), LN_EPS)); // [N, 1]
    return tf.mul(xc, inv) as tf.Tensor2D;
  });
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
function attention(model: LanguageModel<OlmoConfig>, i: number, h: tf.Tensor2D, B: number, T: number, opts: ForwardOptions): tf.Tensor2D {
  const c = model.config, D = c.headDim, n = names(i), p = model.params;
  const wq = p.get(n.q)!, wk = p.get(n.k)!;
  const heads = wq.shape[0]! / D, kv = wk.shape[0]! / D;
  if (heads === 0) return tf.zerosLike(h);
  const clip = (x: tf.Tensor2D) => (c.clipQkv === null ? x : clipValue(x, c.clipQkv));
  let q = clip(linearOutIn(h, wq as tf.Tensor2D));                          // [N, h*D]
  let k = clip(linearOutIn(h, wk as tf.Tensor2D));                          // [N, k*D]
  let v = clip(linearOutIn(h, p.get(n.v)! as tf.Tensor2D));                 // [N, k*D]
  q = applyRotary(q, B, T, heads, D, c.ropeTheta);
  k = repeatKv(applyRotary(k, B, T, kv, D, c.ropeTheta), kv, heads / kv, D); // [N, h*D]
  v = repeatKv(v, kv, heads / kv, D);                                       // [N, h*D]
  const drop = opts.training && c.attentionDropout > 0 ? { rate: c.attentionDropout, seed: (opts.seed ?? 0) * 1009 + i * 97 } : undefined;
  const y = causalAttention(tf.concat([q, k, v], 1), { batch: B, seqLen: T, heads, headDim: D }, drop); // [N, h*D]
  opts.capture?.({ layer: i, kind: 'heads' }, y);
  return linearOutIn(y, p.get(n.o)! as tf.Tensor2D);                         // [N, C]
}

/** One MLP sublayer: h [N, C] (normalised) -> down(silu(gate h) * up h) [N, C]. */
function mlp(model: LanguageModel<OlmoConfig>, i: number, h: tf.Tensor2D, opts: ForwardOptions): tf.Tensor2D {
  const n = names(i), p = model.params;
  const wg = p.get(n.gate)! as tf.Tensor2D;
  if (wg.shape[0] === 0) return tf.zerosLike(h);
  const g = linearOutIn(h, wg);                                             // [N, F]
  const a = tf.mul(tf.mul(g, tf.sigmoid(g)), linearOutIn(h, p.get(n.up)! as tf.Tensor2D)) as tf.Tensor2D; // [N, F]
  opts.capture?.({ layer: i, kind: 'mlp' }, a);
  return linearOutIn(a, p.get(n.down)! as tf.Tensor2D);                     // [N, C]
}

function hidden(model: LanguageModel<OlmoConfig>, ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor2D {
  const c = model.config;
  if (ids.rank !== 2 || ids.dtype !== 'int32') throw new Error(`olmo.hidden: ids must be [B, T] int32, got [${ids.shape}] ${ids.dtype}`);
  const [B, T] = ids.shape;
  if (T > c.maxPositions) throw new Error(`olmo.hidden: sequence length ${T} exceeds max_position_embeddings ${c.maxPositions}`);
  return tf.tidy(() => {
    let x = embedding(model.params.get(EMBED)! as tf.Tensor2D, tf.reshape(ids, [B * T]) as tf.Tensor1D); // [N, C]
    for (let i = 0; i < c.numLayers; i++) {
      x = tf.add(x, attention(model, i, olmoLayerNorm(x), B, T, opts));      // [N, C]
      x = tf.add(x, mlp(model, i, olmoLayerNorm(x), opts));                  // [N, C]
    }
    return olmoLayerNorm(x);                                                // [N, C]
  });
}

function groups(model: LanguageModel<OlmoConfig>): PrunableGroup[] {
  const c = model.config, D = c.headDim, out: PrunableGroup[] = [];
  for (let i = 0; i < c.numLayers; i++) {
    const n = names(i), p = model.params;
    const heads = p.get(n.q)!.shape[0]! / D, kv = p.get(n.k)!.shape[0]! / D;
    // A head unit is one kv head with the q heads that share it (H/K = 1 without GQA): its q
    // rows, its k and v rows, and the matching o_proj columns, so repeat_kv stays consistent.
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

export const olmo: Family<OlmoConfig> = {
  name: 'olmo',
  parseConfig: parseOlmoConfig,
  toConfigJson: (config, shapes) => olmoConfigJson(config, olmoLayerWidths(config, shapes)),
  paramShapes,
  checkShapes,
  initParams,
  hidden,
  lmHead: (model) => model.params.get(model.config.tieWordEmbeddings ? EMBED : LM_HEAD)! as tf.Tensor2D,
  groups,
};
