/**
 * Family-independent ONNX building blocks on an OnnxGraph: linear layers, LayerNorm, GELU (tanh),
 * the head split/merge, the additive attention bias (causal + padding) and one causal attention
 * with an optional key/value cache. Shape letters as in model/types.ts; S = P + T keys (P cached).
 * Each function takes and returns value names; shapes are in the comments.
 */
import { f, i, ints, type OnnxGraph } from './onnx-graph.ts';

/** Masked-out score offset, as the tfjs attention uses (model/ops/causal-attention.ts). */
const MASKED = -1e9;

/** int64 [1]: x.shape[axis] (Shape with start/end, opset 15+). */
export function dimOf(g: OnnxGraph, x: string, axis: number): string {
  return g.op('Shape', [x], { start: i(axis), end: i(axis + 1) });
}

/** x [.., K] @ w [K, F] (+ b [F]) -> [.., F]. */
export function linear(g: OnnxGraph, x: string, w: string, b?: string): string {
  const y = g.op('MatMul', [x, w]);
  return b ? g.op('Add', [y, b]) : y;
}

/** LayerNormalization over the last axis (torch semantics: biased variance, eps inside the sqrt). */
export function layerNorm(g: OnnxGraph, x: string, scale: string, bias: string, eps: number): string {
  return g.op('LayerNormalization', [x, scale, bias], { axis: i(-1), epsilon: f(eps) });
}

/** gelu_new: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) as onnxruntime's contrib op
 *  com.microsoft FastGelu (the same formula, one fused kernel), or explicit standard ops when the
 *  graph is `portable` (exported files). */
export function geluTanh(g: OnnxGraph, x: string): string {
  if (!g.portable) return g.op('FastGelu', [x], {}, { domain: 'com.microsoft' });
  const x3 = g.op('Mul', [g.op('Mul', [x, x]), x]);
  const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [x3, g.float([0.044715], [])])]), g.float([Math.sqrt(2 / Math.PI)], [])]);
  const onePlus = g.op('Add', [g.op('Tanh', [inner]), g.float([1], [])]);
  return g.op('Mul', [g.op('Mul', [x, onePlus]), g.float([0.5], [])]);
}

/** x [B, T, h*D] -> [B, h, T, D]. */
export function splitHeads(g: OnnxGraph, x: string, h: number, D: number): string {
  const r = g.op('Reshape', [x, g.int64([0, 0, h, D])]);          // [B, T, h, D]
  return g.op('Transpose', [r], { perm: ints([0, 2, 1, 3]) });     // [B, h, T, D]
}

/** y [B, h, T, D] -> [B, T, h*D]. */
export function mergeHeads(g: OnnxGraph, y: string, h: number, D: number): string {
  const t = g.op('Transpose', [y], { perm: ints([0, 2, 1, 3]) });  // [B, T, h, D]
  return g.op('Reshape', [t, g.int64([0, 0, h * D])]);             // [B, T, hD]
}

/**
 * Additive attention bias [B|1, 1, T, S]: 0 where query t (absolute position P + t) may attend
 * key s (s <= P + t, and attention_mask[b, s] = 1), -1e9 elsewhere.
 * T, P: int64 [1] values; mask: optional [B, S] int64 (1 = real token).
 */
export function attentionBias(g: OnnxGraph, T: string, P: string, mask?: string): string {
  const S = g.op('Add', [T, P]);                                                   // [1]
  const ones = g.op('Expand', [g.float([1], []), g.op('Concat', [T, S], { axis: i(0) })]);   // [T, S]
  const k = g.op('Squeeze', [P, g.int64([0])]);                                    // scalar
  const allowed = g.op('Trilu', [ones, k], { upper: i(0) });                       // [T, S], 1 where s <= t + P
  const causal = g.op('Mul', [g.op('Sub', [allowed, g.float([1], [])]), g.float([-MASKED], [])]); // [T, S]
  const c4 = g.op('Unsqueeze', [causal, g.int64([0, 1])]);                         // [1, 1, T, S]
  if (!mask) return c4;
  const m = g.op('Cast', [mask], { to: i(1) });                                     // [B, S] float
  const pad = g.op('Mul', [g.op('Sub', [m, g.float([1], [])]), g.float([-MASKED], [])]);   // [B, S]
  return g.op('Add', [c4, g.op('Unsqueeze', [pad, g.int64([1, 2])])]);             // [B, 1, T, S]
}

export interface AttentionInput {
  readonly q: string;          // [B, h, T, D]
  readonly k: string;          // [B, K, T, D] (K kv heads, h = K * rep)
  readonly v: string;          // [B, K, T, D]
  readonly heads: number;      // h
  readonly kvHeads: number;    // K
  readonly headDim: number;    // D
  readonly bias: string;       // [B|1, 1, T, S]
  readonly past?: { readonly key: string; readonly value: string } | undefined;   // [B, K, P, D]
  /** Applied to the attention probabilities [B, h, T, S] before they weight the values (training dropout). */
  readonly probs?: ((p: string) => string) | undefined;
}

/** softmax(q k^T / sqrt(D) + bias) v per head -> y [B, T, h*D]; present = past ++ (k, v) [B, K, S, D]. */
export function causalAttention(g: OnnxGraph, a: AttentionInput): { y: string; presentKey: string; presentValue: string } {
  const { heads: h, kvHeads: K, headDim: D } = a;
  const key = a.past ? g.op('Concat', [a.past.key, a.k], { axis: i(2) }) : a.k;       // [B, K, S, D]
  const value = a.past ? g.op('Concat', [a.past.value, a.v], { axis: i(2) }) : a.v;   // [B, K, S, D]
  const rep = h / K;
  const repeat = (x: string) => {
    if (rep === 1) return x;
    const x5 = g.op('Unsqueeze', [x, g.int64([2])]);                                  // [B, K, 1, S, D]
    const e = g.op('Expand', [x5, g.int64([1, 1, rep, 1, 1])]);                        // [B, K, rep, S, D]
    return g.op('Reshape', [e, g.int64([0, h, -1, D])]);                               // [B, h, S, D]
  };
  const qs = g.op('Mul', [a.q, g.float([1 / Math.sqrt(D)], [])]);                     // [B, h, T, D]
  const kT = g.op('Transpose', [repeat(key)], { perm: ints([0, 1, 3, 2]) });          // [B, h, D, S]
  const scores = g.op('Add', [g.op('MatMul', [qs, kT]), a.bias]);                     // [B, h, T, S]
  const soft = g.op('Softmax', [scores], { axis: i(-1) });                            // [B, h, T, S]
  const p = a.probs ? a.probs(soft) : soft;
  const y = g.op('MatMul', [p, repeat(value)]);                                       // [B, h, T, D]
  return { y: mergeHeads(g, y, h, D), presentKey: key, presentValue: value };
}
