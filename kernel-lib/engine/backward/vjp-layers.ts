/**
 * Vector-Jacobian rules of the ops that carry a layer's structure:
 *   MatMul    y = a @ b (batched, broadcasting):  da = sum_b(dy @ b^T),  db = sum_b(a^T @ dy);
 *             a weight b [K, N] under activations a [.., M, K] gets db = a2^T @ dy2 with the
 *             leading axes flattened (one Gemm, no broadcast copy)
 *   Softmax   y = softmax(x) over an axis:  dx = y (dy - sum(dy y))  (sum over that axis)
 *   LayerNormalization over the last axis, biased variance (torch's LayerNorm):
 *             xhat = (x - mean) r, r = 1 / sqrt(var + eps), y = xhat w + b
 *             dxhat = dy w;  dx = r (dxhat - mean(dxhat) - xhat mean(dxhat xhat))
 *             dw = sum(dy xhat), db = sum(dy) over the leading axes
 */
import { i, ints } from '../onnx-graph.ts';
import { sumToShape, type VjpContext, type VjpRule } from './vjp-context.ts';

/** Swaps the last two axes of a value of rank r. */
function swapLast(c: VjpContext, x: string, r: number): string {
  const perm = Array.from({ length: r }, (_, k) => k);
  [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
  return c.g.op('Transpose', [x], { perm: ints(perm) });
}

const meanLast = (c: VjpContext, x: string) => c.g.op('ReduceMean', [x], { axes: ints([-1]), keepdims: i(1) });

export const layerRules: Record<string, VjpRule> = {
  MatMul: (c, n, dy, need) => {
    const g = c.g, [a, b] = n.inputs as [string, string];
    const sa = c.shapes.of(a), sb = c.shapes.of(b), sy = c.shapes.of(n.outputs[0]!);
    const batch = sy.slice(0, -2), M = sa[sa.length - 2]!, K = sa[sa.length - 1]!, N = sb[sb.length - 1]!;
    let da: string | undefined, db: string | undefined;
    if (need[0]) da = sumToShape(c, g.op('MatMul', [dy[0]!, swapLast(c, b, sb.length)]), [...batch, M, K], sa);
    if (need[1]) {
      if (sb.length === 2) {
        const a2 = g.op('Reshape', [a, g.int64([-1, K])]), d2 = g.op('Reshape', [dy[0]!, g.int64([-1, N])]);
        db = g.op('Gemm', [a2, d2], { transA: i(1) });                                           // [K, N]
      } else db = sumToShape(c, g.op('MatMul', [swapLast(c, a, sa.length), dy[0]!]), [...batch, K, N], sb);
    }
    return [da, db];
  },
  Softmax: (c, n, dy) => {
    const g = c.g, y = n.outputs[0]!;
    const axis = Number(n.attrs.axis ?? -1);
    const s = g.op('ReduceSum', [g.op('Mul', [dy[0]!, y]), g.int64([axis])], { keepdims: i(1) });
    return [g.op('Mul', [y, g.op('Sub', [dy[0]!, s])])];
  },
  LayerNormalization: (c, n, dy, need) => {
    const g = c.g, [x, w, b] = n.inputs as [string, string, string?];
    const sx = c.shapes.of(x);
    if (![-1, sx.length - 1].includes(Number(n.attrs.axis ?? -1))) throw new Error(`LayerNormalization -> ${n.outputs[0]}: only the last axis is differentiated`);
    const eps = Number(n.attrs.epsilon ?? 1e-5);
    const d = g.op('Sub', [x, meanLast(c, x)]);                                                  // x - mean
    const r = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [meanLast(c, g.op('Mul', [d, d])), g.float([eps], [])])])]);
    const xhat = g.op('Mul', [d, r]);
    const out: (string | undefined)[] = [undefined, undefined, undefined];
    if (need[0]) {
      const dxhat = g.op('Mul', [dy[0]!, w]);
      const inner = g.op('Sub', [g.op('Sub', [dxhat, meanLast(c, dxhat)]), g.op('Mul', [xhat, meanLast(c, g.op('Mul', [dxhat, xhat]))])]);
      out[0] = g.op('Mul', [r, inner]);
    }
    if (need[1]) out[1] = sumToShape(c, g.op('Mul', [dy[0]!, xhat]), sx, c.shapes.of(w));
    if (need[2] && b) out[2] = sumToShape(c, dy[0]!, sx, c.shapes.of(b));
    return out;
  },
};
