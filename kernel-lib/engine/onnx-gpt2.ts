/**
 * GPT-2 (model/gpt2.ts) as an ONNX decoder: learned positions, pre-LN blocks with a fused
 * q|k|v Conv1D (weights already [in, out], so MatMul takes them as stored), gelu_new MLP,
 * final LayerNorm. Per-layer head counts and MLP widths are read from the tensors; a layer with
 * no heads (or no MLP neurons) keeps only its output bias, as the tfjs forward computes it.
 */
import type { GPT2Config, LanguageModel } from '../model/types.ts';
import type { DecoderContext, DropoutSite, OnnxFamily } from './onnx-family.ts';
import { causalAttention, geluTanh, layerNorm, linear, splitHeads } from './onnx-blocks.ts';
import { i } from './onnx-graph.ts';
import { requireShape, weightInit } from './weights.ts';

type Model = LanguageModel<GPT2Config>;

const headDim = (m: Model) => m.config.hiddenSize / m.config.numHeads;
const headsIn = (m: Model, l: number) => requireShape(m, `h.${l}.attn.c_attn.weight`)[1]! / (3 * headDim(m));

function decoder(model: Model, ctx: DecoderContext): string {
  const { g } = ctx;
  const c = model.config, D = headDim(model), eps = c.layerNormEpsilon;
  const w = (name: string) => weightInit(g, model, name);
  const tok = g.op('Gather', [w('wte.weight'), ctx.ids], { axis: i(0) });        // [B, T, C]
  const pos = g.op('Gather', [w('wpe.weight'), ctx.positions], { axis: i(0) });  // [B|1, T, C]
  const drop = (site: DropoutSite, v: string) => (ctx.dropout ? ctx.dropout(site, v) : v);
  let x = drop({ kind: 'embd', layer: -1, rate: c.dropout.embd }, g.op('Add', [tok, pos]));   // [B, T, C]
  for (let l = 0; l < c.numLayers; l++) {
    ctx.blockStart?.(l, x);
    const p = (n: string) => `h.${l}.${n}`;
    const h = headsIn(model, l);
    const a = layerNorm(g, x, w(p('ln_1.weight')), w(p('ln_1.bias')), eps);      // [B, T, C]
    let o: string;
    if (h > 0) {
      const qkv = linear(g, a, w(p('attn.c_attn.weight')), w(p('attn.c_attn.bias')));   // [B, T, 3hD]
      const [q, k, v] = g.ops('Split', [qkv, g.int64([h * D, h * D, h * D])], { axis: i(2) }, { outputs: 3 }); // 3 x [B, T, hD]
      const att = causalAttention(g, {
        q: splitHeads(g, q!, h, D), k: splitHeads(g, k!, h, D), v: splitHeads(g, v!, h, D),
        heads: h, kvHeads: h, headDim: D, bias: ctx.bias, past: ctx.past(l),
        probs: (pr) => drop({ kind: 'attn', layer: l, rate: c.dropout.attn, heads: h }, pr),
      });                                                                          // y [B, T, hD]
      ctx.present(l, att.presentKey, att.presentValue);
      ctx.tap?.({ kind: 'heads', layer: l }, att.y);
      o = linear(g, att.y, w(p('attn.c_proj.weight')), w(p('attn.c_proj.bias'))); // [B, T, C]
    } else {
      o = w(p('attn.c_proj.bias'));                                               // [C]: no heads left
    }
    // dropout applies to a bias-only output too (as the tfjs forward does), making it [B, T, C]
    const x1 = g.op('Add', [x, drop({ kind: 'attn-out', layer: l, rate: c.dropout.resid }, o)]);   // [B, T, C]
    const m = layerNorm(g, x1, w(p('ln_2.weight')), w(p('ln_2.bias')), eps);     // [B, T, C]
    const F = requireShape(model, p('mlp.c_fc.weight'))[1]!;
    let o2 = w(p('mlp.c_proj.bias'));                                             // [C]: no neurons left
    if (F > 0) {
      const act = geluTanh(g, linear(g, m, w(p('mlp.c_fc.weight')), w(p('mlp.c_fc.bias'))));   // [B, T, F]
      ctx.tap?.({ kind: 'mlp', layer: l }, act);
      o2 = linear(g, act, w(p('mlp.c_proj.weight')), o2);                         // [B, T, C]
    }
    x = g.op('Add', [x1, drop({ kind: 'mlp-out', layer: l, rate: c.dropout.resid }, o2)]);         // [B, T, C]
  }
  return layerNorm(g, x, w('ln_f.weight'), w('ln_f.bias'), eps);                 // [B, T, C]
}

export const onnxGpt2: OnnxFamily = {
  name: 'gpt2',
  decoder,
  dropoutRates: (model: Model) => Object.values(model.config.dropout),
  lmHeadParam: () => 'wte.weight',
  cacheHeads: (model: Model) => ({
    kvHeads: Array.from({ length: model.config.numLayers }, (_, l) => headsIn(model, l)),
    headDim: headDim(model),
    configKvHeads: model.config.numHeads,
  }),
};
