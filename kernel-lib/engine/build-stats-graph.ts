/**
 * The statistics graph: the decoder laid out as in the body graph (engine/build-graphs.ts), with
 * the input of every output projection (ctx.tap) reduced in the graph over batch and tokens to
 * per-channel moments of the batch, so only [cols] vectors leave the session:
 *   ids [B, T] int64 -> stats.{kind}.{layer}.{mean, m2, sq, abs} [cols] float32
 * (mean; sum of squared deviations from that mean; sum of squares; sum of absolute values).
 * Deviations are taken from the batch's own mean, which keeps m2 accurate in float32; batches are
 * merged in float64 by engine/channel-moments.ts.
 */
import type { LanguageModel } from '../model/types.ts';
import { OnnxGraph, i, ints } from './onnx-graph.ts';
import type { OnnxFamily } from './onnx-family.ts';
import { attentionBias, dimOf } from './onnx-blocks.ts';

/** Names of one site's outputs. */
export function statsOutputs(kind: string, layer: number): { mean: string; m2: string; sq: string; abs: string } {
  const p = `stats.${kind}.${layer}`;
  return { mean: `${p}.mean`, m2: `${p}.m2`, sq: `${p}.sq`, abs: `${p}.abs` };
}

/** The graph and the sites it reports, in layer order. */
export function buildStatsGraph(model: LanguageModel, fam: OnnxFamily): { graph: OnnxGraph; sites: { kind: 'heads' | 'mlp'; layer: number }[] } {
  const g = new OnnxGraph(`${model.family}-stats`);
  const ids = g.input('ids', 'int64', ['batch', 'seq']);                         // [B, T]
  const T = dimOf(g, ids, 1);                                                    // [1]
  const zero = g.int64([0]);
  const positions = g.op('Unsqueeze', [g.op('Range', [g.int64([0], []), g.op('Squeeze', [T, zero]), g.int64([1], [])]), zero]); // [1, T]
  const bias = attentionBias(g, T, zero);                                        // [1, 1, T, T]
  const sites: { kind: 'heads' | 'mlp'; layer: number }[] = [];
  const axes = ints([0, 1]);
  fam.decoder(model, {
    g, ids, positions, bias, past: () => undefined, present: () => {},
    tap: (site, x) => {                                                          // x [B, T, cols]
      const o = statsOutputs(site.kind, site.layer);
      const mean = g.op('ReduceMean', [x], { axes, keepdims: i(0) });            // [cols]
      const dev = g.op('Sub', [x, mean]);                                        // [B, T, cols]
      g.output(mean, o.mean, 'float32', ['cols']);
      g.output(g.op('ReduceSumSquare', [dev], { axes, keepdims: i(0) }), o.m2, 'float32', ['cols']);
      g.output(g.op('ReduceSumSquare', [x], { axes, keepdims: i(0) }), o.sq, 'float32', ['cols']);
      g.output(g.op('ReduceL1', [x], { axes, keepdims: i(0) }), o.abs, 'float32', ['cols']);
      sites.push({ kind: site.kind, layer: site.layer });
    },
  });
  if (!sites.length) throw new Error(`statistics graph: the ${model.family} decoder reported no output-projection inputs`);
  return { graph: g, sites };
}
