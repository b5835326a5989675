/**
 * The shared-context body graph: one row holds a document's context once, followed by the
 * continuations scored against it, each continuation attending to the context and to its own
 * earlier tokens only (a prefix-sharing "tree" mask), with position ids that restart after the
 * context for every continuation. So a context is computed once however many continuations it
 * has, in one pass with no key/value cache plumbing.
 *
 *   ids       [B, T] int64  token ids
 *   positions [B, T] int64  absolute position of each token in its own request's input
 *   segment   [B, T] int64  0 = context, k >= 1 = continuation k, -1 = padding
 *   rows      [M]    int64  flattened [B, T] positions whose hidden states are wanted
 *   -> hidden [M, C]
 *
 * Query t may attend key s when s <= t (row order) and segment[s] is 0 or segment[t]. Real tokens
 * never see padding (segment -1); padding sees only context and padding and is never scored.
 */
import type { LanguageModel } from '../model/types.ts';
import { OnnxGraph, i } from './onnx-graph.ts';
import type { DecoderContext, OnnxFamily } from './onnx-family.ts';
import { attentionBias, dimOf } from './onnx-blocks.ts';

/** Masked-out score offset, the one attentionBias uses. */
const MASKED = -1e9;

/** ids, positions, segment, rows -> hidden rows [M, C]. */
export function buildSharedContextGraph(model: LanguageModel, fam: OnnxFamily): OnnxGraph {
  const g = new OnnxGraph(`${model.family}-shared-context`);
  const C = model.config.hiddenSize;
  const ids = g.input('ids', 'int64', ['batch', 'seq']);                         // [B, T]
  const positions = g.input('positions', 'int64', ['batch', 'seq']);             // [B, T]
  const segment = g.input('segment', 'int64', ['batch', 'seq']);                 // [B, T]
  const rows = g.input('rows', 'int64', ['rows']);                               // [M]
  const T = dimOf(g, ids, 1);                                                    // [1]
  const causal = attentionBias(g, T, g.int64([0]));                              // [1, 1, T, T]
  const segQ = g.op('Unsqueeze', [segment, g.int64([2])]);                       // [B, T, 1]
  const segK = g.op('Unsqueeze', [segment, g.int64([1])]);                       // [B, 1, T]
  const same = g.op('Equal', [segQ, segK]);                                      // [B, T, T] bool
  const isContext = g.op('Equal', [segK, g.int64([0], [])]);                     // [B, 1, T] bool
  const allowed = g.op('Or', [same, isContext]);                                 // [B, T, T] bool
  const segBias = g.op('Where', [allowed, g.float([0], []), g.float([MASKED], [])]);   // [B, T, T]
  const bias = g.op('Add', [causal, g.op('Unsqueeze', [segBias, g.int64([1])])]);     // [B, 1, T, T]
  const ctx: DecoderContext = { g, ids, positions, bias, past: () => undefined, present: () => {} };
  const h = fam.decoder(model, ctx);                                             // [B, T, C]
  const flat = g.op('Reshape', [h, g.int64([-1, C])]);                           // [B*T, C]
  g.output(g.op('Gather', [flat, rows], { axis: i(0) }), 'hidden', 'float32', ['rows', C]);   // [M, C]
  return g;
}
