/**
 * OLMo (model/olmo.ts) as an ONNX decoder: non-parametric LayerNorm (eps 1e-5), no biases,
 * q/k/v clipped to +-clip_qkv when set, rotary positions (the same float32 cos/sin tables as
 * model/olmo-rope.ts, gathered by absolute position), grouped kv heads, SwiGLU MLP. Linear
 * weights are torch [out, in] and are transposed once at build time for MatMul.
 * Per-layer widths come from the tensors; zero-head / zero-width sublayers add nothing.
 */
import type { LanguageModel, OlmoConfig } from '../model/types.ts';
import { rotaryTables } from '../model/olmo-rope.ts';
import type { DecoderContext, OnnxFamily } from './onnx-family.ts';
import { causalAttention, layerNorm, linear, splitHeads } from './onnx-blocks.ts';
import { i } from './onnx-graph.ts';
import { requireShape, weightInit } from './weights.ts';

type Model = LanguageModel<OlmoConfig>;

const LN_EPS = 1e-5;   // OlmoLayerNorm's hard-coded epsilon
const P = (l: number) => `model.layers.${l}`;
const EMBED = 'model.embed_tokens.weight';

function decoder(model: Model, ctx: DecoderContext): string {
  const { g } = ctx;
  const c = model.config, D = c.headDim, C = c.hiddenSize;
  /** A [out, in] weight as a MatMul right operand [in, out]. */
  const wT = (name: string) => weightInit(g, model, name, { transpose: true });
  const ones = g.float(new Array(C).fill(1)), zeros = g.float(new Array(C).fill(0));
  const norm = (x: string) => layerNorm(g, x, ones, zeros, LN_EPS);               // [B, T, C]
  const clip = (x: string) => (c.clipQkv === null ? x : g.op('Clip', [x, g.float([-c.clipQkv], []), g.float([c.clipQkv], [])]));
  // rotary tables [maxPositions, D] -> cos, sin at the positions [B|1, 1, T, D]
  const { cos, sin } = rotaryTables(c.maxPositions, D, c.ropeTheta);
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
    const n = `${P(l)}`;
    const h = requireShape(model, `${n}.self_attn.q_proj.weight`)[0]! / D;
    const kv = requireShape(model, `${n}.self_attn.k_proj.weight`)[0]! / D;
    if (h > 0) {
      const a = norm(x);
      const q = splitHeads(g, clip(linear(g, a, wT(`${n}.self_attn.q_proj.weight`))), h, D);   // [B, h, T, D]
      const k = splitHeads(g, clip(linear(g, a, wT(`${n}.self_attn.k_proj.weight`))), kv, D);  // [B, K, T, D]
      const v = splitHeads(g, clip(linear(g, a, wT(`${n}.self_attn.v_proj.weight`))), kv, D);  // [B, K, T, D]
      const att = causalAttention(g, { q: rope(q), k: rope(k), v, heads: h, kvHeads: kv, headDim: D, bias: ctx.bias, past: ctx.past(l) });
      ctx.present(l, att.presentKey, att.presentValue);
      x = g.op('Add', [x, linear(g, att.y, wT(`${n}.self_attn.o_proj.weight`))]);             // [B, T, C]
    }
    const F = requireShape(model, `${n}.mlp.gate_proj.weight`)[0]!;
    if (F > 0) {
      const m = norm(x);
      const gate = linear(g, m, wT(`${n}.mlp.gate_proj.weight`));                 // [B, T, F]
      const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), linear(g, m, wT(`${n}.mlp.up_proj.weight`))]); // [B, T, F]
      x = g.op('Add', [x, linear(g, act, wT(`${n}.mlp.down_proj.weight`))]);     // [B, T, C]
    }
  }
  return norm(x);                                                                 // [B, T, C]
}

export const onnxOlmo: OnnxFamily = {
  name: 'olmo',
  decoder,
  lmHeadParam: (model: Model) => (model.config.tieWordEmbeddings ? EMBED : 'lm_head.weight'),
  cacheHeads: (model: Model) => ({
    kvHeads: Array.from({ length: model.config.numLayers }, (_, l) => requireShape(model, `${P(l)}.self_attn.k_proj.weight`)[0]! / model.config.headDim),
    headDim: model.config.headDim,
    configKvHeads: model.config.numKeyValueHeads,
  }),
};
