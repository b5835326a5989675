/**
 * The GPT-2 family (transformers `GPT2LMHeadModel`): learned positions, pre-LayerNorm blocks,
 * fused q|k|v Conv1D (weights [in, out]), gelu_new MLP, final LayerNorm, LM head tied to wte.
 *
 * Pruned shapes are first-class: a layer's head count is read from its tensors
 * (h = c_attn columns / (3 D), with D = C / config.numHeads) and its MLP width from c_fc, so a
 * checkpoint with `pruned_heads` or narrower MLPs runs with nothing special here.
 *
 * Parameter table (HF names, no `transformer.` prefix), for layer i:
 *   wte.weight [V, C], wpe.weight [P, C], ln_f.{weight,bias} [C]
 *   h.i.ln_1.{weight,bias} [C]           h.i.ln_2.{weight,bias} [C]
 *   h.i.attn.c_attn.weight [C, 3hD]      h.i.attn.c_attn.bias [3hD]
 *   h.i.attn.c_proj.weight [hD, C]       h.i.attn.c_proj.bias [C]
 *   h.i.mlp.c_fc.weight [C, F]           h.i.mlp.c_fc.bias [F]
 *   h.i.mlp.c_proj.weight [F, C]         h.i.mlp.c_proj.bias [C]
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Family, ForwardOptions, GPT2Config, LanguageModel, LayerHeads, PrunableGroup } from './types.ts';
import { GPT2_LAYOUT } from './checkpoint-layout.ts';
import { linear } from './ops/linear.ts';
import { embedding } from './ops/embedding.ts';
import { layerNorm } from './ops/layer-norm.ts';
import { geluNew } from './ops/gelu-new.ts';
import { dropout } from './ops/dropout.ts';
import { causalAttention } from './ops/causal-attention.ts';
import { createRng } from '../runtime/random.ts';
import { gpt2CheckShapes, gpt2ConfigJson, gpt2ParamShapes, gpt2WithPrunedHeads, parseGpt2Config } from './gpt2-config.ts';

type Model = LanguageModel<GPT2Config>;


function param(model: Model, name: string): tf.Variable {
  const p = model.params.get(name);
  if (!p) throw new Error(`gpt2: parameter '${name}' is missing from the model`);
  return p;
}

/** Head dim D of the unpruned config. */
function headDim(config: GPT2Config): number {
  return config.hiddenSize / config.numHeads;
}

/** Heads present in layer i, read from c_attn's width. */
function headsIn(model: Model, i: number): number {
  return param(model, `h.${i}.attn.c_attn.weight`).shape[1]! / (3 * headDim(model.config));
}

/** Seeded N(0, std) values (Box-Muller on the project RNG: identical on every backend). */
function normal(n: number, std: number, rng: ReturnType<typeof createRng>): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - rng.next(), u2 = rng.next();
    const r = Math.sqrt(-2 * Math.log(u1)) * std;
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/** transformers GPT2PreTrainedModel._init_weights: weights and embeddings N(0, initializer_range),
 *  c_proj weights N(0, initializer_range / sqrt(2 L)), LayerNorm 1 / 0, biases 0. */
function initParams(config: GPT2Config, seed: number): Map<string, tf.Tensor> {
  const std = typeof config.raw.initializer_range === 'number' ? config.raw.initializer_range : 0.02;
  const rng = createRng(seed);
  const out = new Map<string, tf.Tensor>();
  for (const [name, shape] of gpt2ParamShapes(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    let values: Float32Array;
    if (/(^|\.)ln_(1|2|f)\.weight$/.test(name)) values = new Float32Array(n).fill(1);
    else if (name.endsWith('.bias')) values = new Float32Array(n);
    else if (name.endsWith('c_proj.weight')) values = normal(n, std / Math.sqrt(2 * config.numLayers), rng);
    else values = normal(n, std, rng);
    out.set(name, tf.tensor(values, shape, 'float32'));
  }
  return out;
}

/** One pre-LN block: h + attn(ln_1 h), then + mlp(ln_2 .). x [N, C] -> [N, C]. */
function block(model: Model, i: number, x: tf.Tensor2D, B: number, T: number, opts: ForwardOptions, seed: number): tf.Tensor2D {
  const c = model.config;
  const p = (n: string) => param(model, `h.${i}.${n}`);
  const train = opts.training === true;
  const eps = c.layerNormEpsilon;
  const h = headsIn(model, i);
  const a = layerNorm(x, p('ln_1.weight') as tf.Tensor1D, p('ln_1.bias') as tf.Tensor1D, eps);           // [N, C]
  const qkv = linear(a, p('attn.c_attn.weight') as tf.Tensor2D, p('attn.c_attn.bias') as tf.Tensor1D);    // [N, 3hD]
  const heads = causalAttention(qkv, { batch: B, seqLen: T, heads: h, headDim: headDim(c) },
    train ? { rate: c.dropout.attn, seed: seed + 1000 } : undefined);                                     // [N, hD]
  opts.capture?.({ layer: i, kind: 'heads' }, heads);
  let o = linear(heads, p('attn.c_proj.weight') as tf.Tensor2D, p('attn.c_proj.bias') as tf.Tensor1D);    // [N, C]
  if (train) o = dropout(o, c.dropout.resid, seed + 1);
  const x1 = tf.add(x, o) as tf.Tensor2D;
  const m = layerNorm(x1, p('ln_2.weight') as tf.Tensor1D, p('ln_2.bias') as tf.Tensor1D, eps);
  const f = geluNew(linear(m, p('mlp.c_fc.weight') as tf.Tensor2D, p('mlp.c_fc.bias') as tf.Tensor1D));   // [N, F]
  opts.capture?.({ layer: i, kind: 'mlp' }, f);
  let o2 = linear(f, p('mlp.c_proj.weight') as tf.Tensor2D, p('mlp.c_proj.bias') as tf.Tensor1D);         // [N, C]
  if (train) o2 = dropout(o2, c.dropout.resid, seed + 2);
  return tf.add(x1, o2) as tf.Tensor2D;
}

/** Final hidden states [B*T, C] for ids [B, T] int32. */
function hidden(model: Model, ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor2D {
  const c = model.config;
  if (ids.rank !== 2 || ids.dtype !== 'int32') throw new Error(`gpt2: ids must be [B, T] int32, got [${ids.shape}] ${ids.dtype}`);
  const [B, T] = ids.shape as [number, number];
  if (T > c.maxPositions) throw new Error(`gpt2: sequence length ${T} exceeds n_positions ${c.maxPositions}`);
  const V = param(model, 'wte.weight').shape[0]!;
  const idv = ids.dataSync();   // small; an out-of-range id would silently read other memory in the gather
  for (let i = 0; i < idv.length; i++) {
    if (!(idv[i]! >= 0 && idv[i]! < V)) throw new Error(`gpt2: ids[${Math.floor(i / T)}][${i % T}] = ${idv[i]} is outside the vocabulary [0, ${V})`);
  }
  // Training without a seed draws fresh masks each call; pass `seed` for reproducible runs.
  const seed = opts.seed ?? (opts.training ? Math.floor(Math.random() * 2 ** 31) : 0);
  return tf.tidy(() => {
    const tok = embedding(param(model, 'wte.weight') as tf.Tensor2D, tf.reshape(ids, [B * T]) as tf.Tensor1D); // [N, C]
    const pos = tf.slice(param(model, 'wpe.weight'), [0, 0], [T, c.hiddenSize]);                               // [T, C]
    let x = tf.reshape(tf.add(tf.reshape(tok, [B, T, c.hiddenSize]), pos), [B * T, c.hiddenSize]) as tf.Tensor2D;
    if (opts.training) x = dropout(x, c.dropout.embd, seed * 7919 + 17);
    for (let i = 0; i < c.numLayers; i++) x = block(model, i, x, B, T, opts, seed * 7919 + 10000 * (i + 1));
    return layerNorm(x, param(model, 'ln_f.weight') as tf.Tensor1D, param(model, 'ln_f.bias') as tf.Tensor1D, c.layerNormEpsilon);
  });
}

/** Prunable units per layer, read from the tensors. */
function groups(model: Model): PrunableGroup[] {
  const D = headDim(model.config);
  const out: PrunableGroup[] = [];
  for (let i = 0; i < model.config.numLayers; i++) {
    const h = headsIn(model, i);
    const qkvW = `h.${i}.attn.c_attn.weight`, qkvB = `h.${i}.attn.c_attn.bias`;
    out.push({
      kind: 'heads', layer: i, count: h,
      slices: [
        ...[0, 1, 2].map((j) => ({ param: qkvW, axis: 1, offset: j * h * D, width: D })),
        ...[0, 1, 2].map((j) => ({ param: qkvB, axis: 0, offset: j * h * D, width: D })),
        { param: `h.${i}.attn.c_proj.weight`, axis: 0, offset: 0, width: D },
      ],
      output: { weight: `h.${i}.attn.c_proj.weight`, inAxis: 0, width: D, bias: `h.${i}.attn.c_proj.bias` },
    });
    const F = param(model, `h.${i}.mlp.c_fc.weight`).shape[1]!;
    out.push({
      kind: 'mlp', layer: i, count: F,
      slices: [
        { param: `h.${i}.mlp.c_fc.weight`, axis: 1, offset: 0, width: 1 },
        { param: `h.${i}.mlp.c_fc.bias`, axis: 0, offset: 0, width: 1 },
        { param: `h.${i}.mlp.c_proj.weight`, axis: 0, offset: 0, width: 1 },
      ],
      output: { weight: `h.${i}.mlp.c_proj.weight`, inAxis: 0, width: 1, bias: `h.${i}.mlp.c_proj.bias` },
    });
  }
  return out;
}

/** Heads per layer from c_attn's columns (3 h D); GPT-2 has one key/value head per query head. */
function layerHeads(c: GPT2Config, shapes: ReadonlyMap<string, readonly number[]>): LayerHeads[] {
  return Array.from({ length: c.numLayers }, (_, i) => {
    const h = (shapes.get(`h.${i}.attn.c_attn.weight`)?.[1] ?? 0) / (3 * headDim(c));
    return { heads: h, kvHeads: h };
  });
}

export const gpt2: Family<GPT2Config> = {
  name: 'gpt2',
  layout: GPT2_LAYOUT,
  parseConfig: parseGpt2Config,
  toConfigJson: gpt2ConfigJson,
  paramShapes: gpt2ParamShapes,
  checkShapes: gpt2CheckShapes,
  withPrunedUnits: gpt2WithPrunedHeads,
  initParams,
  hidden,
  lmHead: (model) => param(model, 'wte.weight') as tf.Tensor2D,
  groups,
  layerHeads,
};
