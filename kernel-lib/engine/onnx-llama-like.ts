/**
 * The Llama-like decoder (model/llama-like-forward.ts) as an ONNX decoder, registered for every
 * Llama-like model_type (OLMo, Llama, Qwen2, Mistral, ...): RMSNorm with weights or OLMo's
 * LayerNorm without affine parameters (eps 1e-5), projection biases where the model has them
 * (Qwen2's q/k/v, Llama's attention_bias / mlp_bias), q/k/v clipped to +-clip_qkv when set,
 * rotary positions (the same float32 cos/sin tables as model/rotary.ts, with Llama 3 scaling
 * when configured, gathered by absolute position), grouped kv heads, SwiGLU MLP, tied or untied
 * head. Linear weights are torch [out, in] and are transposed once at build time for MatMul.
 * Per-layer widths come from the tensors; a layer with no heads or no MLP neurons adds only its
 * output bias (nothing without one).
 */
import type { LanguageModel, LlamaLikeConfig } from '../model/types.ts';
import { rotaryTables } from '../model/rotary.ts';
import { biasOf, EMBED, FINAL_NORM, layerNames, LM_HEAD } from '../model/llama-like-params.ts';
import type { DecoderContext, OnnxFamily } from './onnx-family.ts';
import { causalAttention, layerNorm, linear, splitHeads } from './onnx-blocks.ts';
import { i, ints } from './onnx-graph.ts';
import { paramShape, requireShape, weightInit } from './weights.ts';

type Model = LanguageModel<LlamaLikeConfig>;

function decoder(model: Model, ctx: DecoderContext): string {
  const { g } = ctx;
  const c = model.config, D = c.headDim, C = c.hiddenSize;
  /** A [out, in] weight as a MatMul right operand [in, out]. */
  const wT = (name: string) => weightInit(g, model, name, { transpose: true });
  const bias = (weight: string) => (paramShape(model, biasOf(weight)) ? weightInit(g, model, biasOf(weight)) : undefined);
  const project = (x: string, weight: string) => linear(g, x, wT(weight), bias(weight));            // [B, T, out]
  const rms = c.norm === 'rms-norm';
  const eps = rms ? g.float([c.normEps], []) : '';
  const ones = rms ? '' : g.float(new Array(C).fill(1)), zeros = rms ? '' : g.float(new Array(C).fill(0));
  const norm = (x: string, weight: string) => {                                   // x [B, T, C]
    if (!rms) return layerNorm(g, x, ones, zeros, c.normEps);
    const ms = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: ints([-1]), keepdims: i(1) });     // [B, T, 1]
    const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [ms, eps])])]);                      // [B, T, 1]
    return g.op('Mul', [g.op('Mul', [x, inv]), weightInit(g, model, weight)]);                     // [B, T, C]
  };
  const clip = (x: string) => (c.clipQkv === null ? x : g.op('Clip', [x, g.float([-c.clipQkv], []), g.float([c.clipQkv], [])]));
  // rotary tables [maxPositions, D] -> cos, sin at the positions [B|1, 1, T, D]
  const { cos, sin } = rotaryTables(c.maxPositions, D, c.rope);
  const at = (table: Float32Array, name: string) =>
    g.op('Unsqueeze', [g.op('Gather', [g.weight(name, table, [c.maxPositions, D]), ctx.positions], { axis: i(0) }), g.int64([1])]);
  const cosT = at(cos, 'rope.cos'), sinT = at(sin, 'rope.sin');
  const half = g.int64([D / 2]), axis3 = g.int64([3]);
  const rope = (x: string) => {                                                   // x [B, n, T, D]
    const lo = g.op('Slice', [x, g.int64([0]), half, axis3]);                     // [B, n, T, D/2]
    const hi = g.op('Slice', [x, half, g.int64([D]), axis3]);                     // [B, n, T, D/2]
    const rot = g.op('Concat', [g.op('Neg', [hi]), lo], { axis: i(3) });          // [B, n, T, D]
    return g.op('Add', [g.op('Mul', [x, cosT]), g.op('Mul', [rot, sinT])]);      // [B, n, T, D]
  };
  let x = g.op('Gather', [weightInit(g, model, EMBED), ctx.ids], { axis: i(0) });   // [B, T, C]
  for (let l = 0; l < c.numLayers; l++) {
    ctx.blockStart?.(l, x);
    const n = layerNames(l);
    const h = requireShape(model, n.q)[0]! / D, kv = requireShape(model, n.k)[0]! / D;
    if (h > 0) {
      const a = norm(x, n.inNorm);                                                // [B, T, C]
      const q = splitHeads(g, clip(project(a, n.q)), h, D);                       // [B, h, T, D]
      const k = splitHeads(g, clip(project(a, n.k)), kv, D);                      // [B, K, T, D]
      const v = splitHeads(g, clip(project(a, n.v)), kv, D);                      // [B, K, T, D]
      const att = causalAttention(g, { q: rope(q), k: rope(k), v, heads: h, kvHeads: kv, headDim: D, bias: ctx.bias, past: ctx.past(l),
        probs: ctx.dropout && ((pr) => ctx.dropout!({ kind: 'attn', layer: l, rate: c.attentionDropout, heads: h }, pr)) });
      ctx.present(l, att.presentKey, att.presentValue);
      ctx.tap?.({ kind: 'heads', layer: l }, att.y);
      x = g.op('Add', [x, project(att.y, n.o)]);                                  // [B, T, C]
    } else if (bias(n.o)) x = g.op('Add', [x, bias(n.o)!]);                       // [B, T, C]: no heads left
    const F = requireShape(model, n.gate)[0]!;
    if (F > 0) {
      const m = norm(x, n.postNorm);                                              // [B, T, C]
      const gate = project(m, n.gate);                                            // [B, T, F]
      const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), project(m, n.up)]); // [B, T, F]
      ctx.tap?.({ kind: 'mlp', layer: l }, act);
      x = g.op('Add', [x, project(act, n.down)]);                                 // [B, T, C]
    } else if (bias(n.down)) x = g.op('Add', [x, bias(n.down)!]);                 // [B, T, C]: no neurons left
  }
  return norm(x, FINAL_NORM);                                                     // [B, T, C]
}

export const onnxLlamaLike: OnnxFamily = {
  name: 'llama-like',
  decoder,
  lmHeadParam: (model: Model) => (model.config.tieWordEmbeddings ? EMBED : LM_HEAD),
  dropoutRates: (model: Model) => [model.config.attentionDropout],
  cacheHeads: (model: Model) => ({
    kvHeads: Array.from({ length: model.config.numLayers }, (_, l) => requireShape(model, layerNames(l).k)[0]! / model.config.headDim),
    headDim: model.config.headDim,
    configKvHeads: model.config.numKeyValueHeads,
  }),
};
