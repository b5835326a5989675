/**
 * One parameterised decoder for the Llama-like families (OLMo, Llama, Qwen2, Mistral, ...): a
 * Family built from a model_type's entry in model/llama-like-types.ts. The parameter table is
 * model/llama-like-params.ts, the forward model/llama-like-forward.ts, the config mapping
 * model/llama-like-config.ts; this file adds the initialisation and the prunable groups.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Family, LanguageModel, LayerHeads, LlamaLikeConfig, PrunableGroup, TensorSlice } from './types.ts';
import type { LlamaLikeType } from './llama-like-types.ts';
import { llamaLikeConfigJson, parseLlamaLikeConfig } from './llama-like-config.ts';
import { biasOf, checkShapes, EMBED, layerNames, layerWidths, LM_HEAD, paramShapes } from './llama-like-params.ts';
import { llamaLikeHidden } from './llama-like-forward.ts';
import { LLAMA_LIKE_LAYOUT } from './checkpoint-layout.ts';

type Model = LanguageModel<LlamaLikeConfig>;

/** transformers' _init_weights: Linear and Embedding weights ~ normal(0, initializer_range),
 *  biases 0, RMSNorm weights 1, the padding_idx row of embed_tokens zeroed when pad_token_id is set. */
function initParams(c: LlamaLikeConfig, seed: number): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  let k = 0;
  for (const [name, shape] of paramShapes(c)) {
    if (shape.length === 1) { out.set(name, name.endsWith('.bias') ? tf.zeros(shape) : tf.ones(shape)); k++; continue; }
    const t = tf.randomNormal(shape, 0, c.initializerRange, 'float32', seed * 1000 + k++);
    if (name === EMBED && c.padTokenId !== null && c.padTokenId < c.vocabSize) {
      const keep = new Float32Array(c.vocabSize).fill(1);
      keep[c.padTokenId] = 0;
      out.set(name, tf.tidy(() => tf.mul(t, tf.tensor2d(keep, [c.vocabSize, 1]))));   // [V, C]
      t.dispose();
    } else out.set(name, t);
  }
  return out;
}

/** The slices of `weights` (and of their biases, when the model has them) on axis 0. */
function rowSlices(model: Model, width: number, ...weights: string[]): TensorSlice[] {
  const out: TensorSlice[] = [];
  for (const w of weights) {
    out.push({ param: w, axis: 0, offset: 0, width });
    if (model.params.has(biasOf(w))) out.push({ param: biasOf(w), axis: 0, offset: 0, width });
  }
  return out;
}

/**
 * Per layer: a head unit is one kv head with the H/K q heads that share it (a GQA group; one q
 * head without GQA): its q rows, its k and v rows (and their biases) and the matching o_proj
 * columns, so repeat_kv stays consistent. An MLP neuron: a row of gate_proj and up_proj (and
 * their biases) and a column of down_proj. Output biases (o_proj, down_proj) are never sliced.
 */
function groups(model: Model): PrunableGroup[] {
  const c = model.config, D = c.headDim, out: PrunableGroup[] = [];
  for (let i = 0; i < c.numLayers; i++) {
    const n = layerNames(i), p = model.params;
    const heads = p.get(n.q)!.shape[0]! / D, kv = p.get(n.k)!.shape[0]! / D;
    const rep = kv === 0 ? 1 : heads / kv;
    out.push({
      kind: 'heads', layer: i, count: kv,
      slices: [...rowSlices(model, rep * D, n.q), ...rowSlices(model, D, n.k, n.v), { param: n.o, axis: 1, offset: 0, width: rep * D }],
      output: { weight: n.o, inAxis: 1, width: rep * D, bias: biasOf(n.o) },
    });
    out.push({
      kind: 'mlp', layer: i, count: p.get(n.gate)!.shape[0]!,
      slices: [...rowSlices(model, 1, n.gate, n.up), { param: n.down, axis: 1, offset: 0, width: 1 }],
      output: { weight: n.down, inAxis: 1, width: 1, bias: biasOf(n.down) },
    });
  }
  return out;
}

/**
 * Bias compensation created o_proj / down_proj biases: the config gains the flag (o_proj bias
 * with zero q/k/v biases, as Llama's attention_bias has all four; MLP biases with zero gate/up
 * biases, as mlp_bias has all three), and every layer gets the biases the flag implies.
 * Whether HF can express the result is the layout's question (OLMo and Qwen2 have no o_proj
 * bias in transformers: the lab layout keeps them).
 */
function withAddedBiases(c: LlamaLikeConfig, added: readonly string[], shapes: ReadonlyMap<string, readonly number[]>): { config: LlamaLikeConfig; zeros: [string, number[]][] } {
  const attn = added.some((a) => /self_attn\.o_proj\.bias$/.test(a)) || c.oBias;
  const mlp = added.some((a) => /mlp\.down_proj\.bias$/.test(a)) || c.mlpBias;
  const zeros: [string, number[]][] = [];
  for (let i = 0; i < c.numLayers; i++) {
    const n = layerNames(i);
    const rows = (w: string): number[] => [shapes.get(w)![0]!];
    if (attn) for (const w of [n.q, n.k, n.v, n.o]) zeros.push([biasOf(w), rows(w)]);
    if (mlp) for (const w of [n.gate, n.up, n.down]) zeros.push([biasOf(w), rows(w)]);
  }
  return { config: { ...c, qkvBias: c.qkvBias || attn, oBias: attn, mlpBias: mlp }, zeros };
}

function layerHeads(c: LlamaLikeConfig, shapes: ReadonlyMap<string, readonly number[]>): LayerHeads[] {
  return layerWidths(c, shapes).map((w) => ({ heads: w.heads, kvHeads: w.kvHeads }));
}

/** The Family of one Llama-like model_type. */
export function llamaLikeFamily(t: LlamaLikeType): Family<LlamaLikeConfig> {
  return {
    name: t.modelType,
    layout: LLAMA_LIKE_LAYOUT,
    parseConfig: (raw, file) => parseLlamaLikeConfig(t, raw, file),
    toConfigJson: (config, shapes) => llamaLikeConfigJson(t, config, layerWidths(config, shapes)),
    paramShapes,
    checkShapes,
    initParams,
    hidden: llamaLikeHidden,
    lmHead: (model) => model.params.get(model.config.tieWordEmbeddings ? EMBED : LM_HEAD)! as tf.Tensor2D,
    groups,
    layerHeads,
    withAddedBiases,
  };
}
