/**
 * The three graphs the engine builds from a LanguageModel through its family description:
 *  - body:    ids [B, T] int64, rows [M] int64 -> hidden [M, C] at the flattened positions rows
 *             (the decoder over all positions, then only the rows whose targets are scored);
 *  - head:    x [M, C], pair_row [K], target [K] -> logprob [K] (log-softmax at the target),
 *             greedy [K] bool (target == first argmax), as eval/score-positions.ts on tfjs;
 *  - decoder: transformers.js' causal-LM interface with a key/value cache: input_ids [B, T],
 *             attention_mask [B, S], position_ids [B, T], past_key_values.{l}.key/value
 *             [B, K_l, P, D] -> logits [B, T, V], present.{l}.key/value [B, K_l, S, D].
 *             Layers without heads have no cache entries.
 */
import type { LanguageModel } from '../model/types.ts';
import { OnnxGraph, i } from './onnx-graph.ts';
import type { DecoderContext, OnnxFamily } from './onnx-family.ts';
import { attentionBias, dimOf } from './onnx-blocks.ts';
import { requireShape, weightInit } from './weights.ts';

function noCache(g: OnnxGraph, ids: string, positions: string, bias: string): DecoderContext {
  return { g, ids, positions, bias, past: () => undefined, present: () => {} };
}

/** ids, rows -> hidden rows [M, C]. */
export function buildBodyGraph(model: LanguageModel, fam: OnnxFamily): OnnxGraph {
  const g = new OnnxGraph(`${model.family}-body`);
  const C = model.config.hiddenSize;
  const ids = g.input('ids', 'int64', ['batch', 'seq']);                         // [B, T]
  const rows = g.input('rows', 'int64', ['rows']);                               // [M]
  const T = dimOf(g, ids, 1);                                                    // [1]
  const zero = g.int64([0]);
  const positions = g.op('Unsqueeze', [g.op('Range', [g.int64([0], []), g.op('Squeeze', [T, zero]), g.int64([1], [])]), zero]); // [1, T]
  const bias = attentionBias(g, T, zero);                                        // [1, 1, T, T]
  const h = fam.decoder(model, noCache(g, ids, positions, bias));                // [B, T, C]
  const flat = g.op('Reshape', [h, g.int64([-1, C])]);                           // [N, C]
  g.output(g.op('Gather', [flat, rows], { axis: i(0) }), 'hidden', 'float32', ['rows', C]);   // [M, C]
  return g;
}

/** x [M, C], pair_row [K], target [K] -> logprob [K], greedy [K]. */
export function buildHeadGraph(model: LanguageModel, fam: OnnxFamily): OnnxGraph {
  const g = new OnnxGraph(`${model.family}-head`);
  const C = model.config.hiddenSize;
  const x = g.input('x', 'float32', ['rows', C]);                                // [M, C]
  const row = g.input('pair_row', 'int64', ['pairs']);                           // [K]
  const target = g.input('target', 'int64', ['pairs']);                          // [K]
  const headName = fam.lmHeadParam(model);
  const V = requireShape(model, headName)[0]!;                                   // head [V, C]
  const z = g.op('Gemm', [x, weightInit(g, model, headName)], { transB: i(1) }); // [M, V]
  const lsm = g.op('LogSoftmax', [z], { axis: i(1) });                           // [M, V]
  const flatIdx = g.op('Add', [g.op('Mul', [row, g.int64([V], [])]), target]);   // [K]
  const lp = g.op('Gather', [g.op('Reshape', [lsm, g.int64([-1])]), flatIdx], { axis: i(0) }); // [K]
  const arg = g.op('ArgMax', [z], { axis: i(1), keepdims: i(0), select_last_index: i(0) });   // [M] first maximum
  const greedy = g.op('Equal', [g.op('Gather', [arg, row], { axis: i(0) }), target]);          // [K] bool
  g.output(lp, 'logprob', 'float32', ['pairs']);
  g.output(greedy, 'greedy', 'bool', ['pairs']);
  return g;
}

/** The names of the decoder graph's cache inputs/outputs for each layer that has heads. */
export function cacheNames(fam: OnnxFamily, model: LanguageModel): { layer: number; kvHeads: number; past: [string, string]; present: [string, string] }[] {
  const { kvHeads } = fam.cacheHeads(model);
  return kvHeads.flatMap((k, l) => (k === 0 ? [] : [{
    layer: l, kvHeads: k,
    past: [`past_key_values.${l}.key`, `past_key_values.${l}.value`] as [string, string],
    present: [`present.${l}.key`, `present.${l}.value`] as [string, string],
  }]));
}

/**
 * transformers.js' decoder interface (see the file comment). With `padCache` (export), every
 * layer's cache has the config's kv-head count (what transformers.js allocates from config.json):
 * a pruned layer reads its first K_l heads of the past and pads its present with zero heads, and a
 * layer without heads passes zeros; the padding never enters the attention. `portable`: only
 * standard ONNX ops (no onnxruntime contrib ops), for files that other runtimes load.
 */
export function buildDecoderGraph(model: LanguageModel, fam: OnnxFamily, opts: { padCache?: boolean; portable?: boolean } = {}): OnnxGraph {
  const g = new OnnxGraph(`${model.family}-decoder`);
  g.portable = opts.portable === true;
  const { headDim: D, configKvHeads } = fam.cacheHeads(model);
  const pad = opts.padCache === true;
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  const positions = g.input('position_ids', 'int64', ['batch_size', 'sequence_length']);
  const caches = pad
    ? fam.cacheHeads(model).kvHeads.map((k, l) => ({ layer: l, kvHeads: configKvHeads, actual: k,
      past: [`past_key_values.${l}.key`, `past_key_values.${l}.value`] as [string, string], present: [`present.${l}.key`, `present.${l}.value`] as [string, string] }))
    : cacheNames(fam, model).map((c) => ({ ...c, actual: c.kvHeads }));
  const past = new Map<number, { key: string; value: string }>();
  for (const c of caches) {
    const dims = ['batch_size', c.kvHeads, 'past_sequence_length', D];
    let key = g.input(c.past[0], 'float32', dims), value = g.input(c.past[1], 'float32', dims);
    if (c.actual === 0) continue;
    if (c.actual < c.kvHeads) {
      const take = (x: string) => g.op('Slice', [x, g.int64([0]), g.int64([c.actual]), g.int64([1])]);   // [B, K_l, P, D]
      key = take(key); value = take(value);
    }
    past.set(c.layer, { key, value });
  }
  const T = dimOf(g, ids, 1);                                                    // [1]
  const P = g.op('Sub', [dimOf(g, mask, 1), T]);                                 // [1] cached positions
  const bias = attentionBias(g, T, P, mask);                                     // [B, 1, T, S]
  const present = new Map<number, [string, string]>();
  const h = fam.decoder(model, {
    g, ids, positions, bias,
    past: (l) => past.get(l),
    present: (l, k, v) => { present.set(l, [k, v]); },
  });                                                                            // [B, T, C]
  const headName = fam.lmHeadParam(model);
  const head = weightInit(g, model, headName);                                   // [V, C] (tied: the embedding initializer is reused)
  const V = model.config.vocabSize, C = model.config.hiddenSize;
  const z = g.op('Gemm', [g.op('Reshape', [h, g.int64([-1, C])]), head], { transB: i(1) });   // [B*T, V]
  const Bdim = dimOf(g, ids, 0);
  const logits = g.op('Reshape', [z, g.op('Concat', [Bdim, T, g.int64([V])], { axis: i(0) })]);  // [B, T, V]
  g.output(logits, 'logits', 'float32', ['batch_size', 'sequence_length', V]);
  const S = dimOf(g, mask, 1);
  const zeros = (heads: number) => g.op('Expand', [g.float([0], []), g.op('Concat', [Bdim, g.int64([heads]), S, g.int64([D])], { axis: i(0) })]); // [B, heads, S, D]
  for (const c of caches) {
    let [k, v] = present.get(c.layer) ?? [zeros(c.kvHeads), zeros(c.kvHeads)];
    if (c.actual > 0 && c.actual < c.kvHeads) {
      const z0 = zeros(c.kvHeads - c.actual);
      k = g.op('Concat', [k, z0], { axis: i(1) }); v = g.op('Concat', [v, z0], { axis: i(1) });
    }
    const dims = ['batch_size', c.kvHeads, 'total_sequence_length', D];
    g.output(k, c.present[0], 'float32', dims);
    g.output(v, c.present[1], 'float32', dims);
  }
  return g;
}
