/**
 * Vector-Jacobian rules of the arithmetic the decoders use (y = op(x...), dy = dL/dy):
 *   Add       da = sum_b(dy), db = sum_b(dy)          (sum_b: sum over broadcast axes)
 *   Sub       da = sum_b(dy), db = -sum_b(dy)
 *   Mul       da = sum_b(dy * b), db = sum_b(dy * a)
 *   Div       da = sum_b(dy / b), db = -sum_b(dy * y / b)
 *   Neg       dx = -dy;  Identity dx = dy
 *   Tanh      dx = dy (1 - y^2);  Sigmoid dx = dy y (1 - y)
 *   Sqrt      dx = dy / (2 y);  Reciprocal dx = -dy y^2
 *   Clip      dx = dy where lo <= x <= hi, else 0 (as torch.clamp: bounds pass the gradient)
 *   FastGelu  y = x/2 (1 + tanh u), u = k (x + a x^3), k = sqrt(2/pi), a = 0.044715; with
 *             (1 + tanh u)/2 = sigmoid(2u) = s:  y = x s, and
 *             dx = dy [ s + x s (1 - s) 2u' ] = dy s [ 1 + x (1 - s) (2k + 6ka x^2) ]
 *             (13 elementwise ops on [B, T, 4C], where the tanh form took 18)
 *   ReduceMean over n values: dx = expand(dy) / n
 */
import { sumToShape, type VjpContext, type VjpRule } from './vjp-context.ts';

const GELU_A = 0.044715;

function binary(c: VjpContext, n: Parameters<VjpRule>[1], need: readonly boolean[], da: () => string, db: () => string): (string | undefined)[] {
  const sy = c.shapes.of(n.outputs[0]!);
  return [
    need[0] ? sumToShape(c, da(), sy, c.shapes.of(n.inputs[0]!)) : undefined,
    need[1] ? sumToShape(c, db(), sy, c.shapes.of(n.inputs[1]!)) : undefined,
  ];
}

export const elementwiseRules: Record<string, VjpRule> = {
  Identity: (_c, _n, dy) => [dy[0]],
  Neg: (c, _n, dy) => [c.g.op('Neg', [dy[0]!])],
  Add: (c, n, dy, need) => binary(c, n, need, () => dy[0]!, () => dy[0]!),
  Sub: (c, n, dy, need) => binary(c, n, need, () => dy[0]!, () => c.g.op('Neg', [dy[0]!])),
  Mul: (c, n, dy, need) => binary(c, n, need, () => c.g.op('Mul', [dy[0]!, n.inputs[1]!]), () => c.g.op('Mul', [dy[0]!, n.inputs[0]!])),
  Div: (c, n, dy, need) => binary(c, n, need,
    () => c.g.op('Div', [dy[0]!, n.inputs[1]!]),
    () => c.g.op('Neg', [c.g.op('Div', [c.g.op('Mul', [dy[0]!, n.outputs[0]!]), n.inputs[1]!])])),
  Tanh: (c, n, dy) => {
    const y = n.outputs[0]!;
    return [c.g.op('Mul', [dy[0]!, c.g.op('Sub', [c.g.float([1], []), c.g.op('Mul', [y, y])])])];
  },
  Sigmoid: (c, n, dy) => {
    const y = n.outputs[0]!;
    return [c.g.op('Mul', [dy[0]!, c.g.op('Mul', [y, c.g.op('Sub', [c.g.float([1], []), y])])])];
  },
  Sqrt: (c, n, dy) => [c.g.op('Div', [c.g.op('Mul', [dy[0]!, c.g.float([0.5], [])]), n.outputs[0]!])],
  Reciprocal: (c, n, dy) => {
    const y = n.outputs[0]!;
    return [c.g.op('Neg', [c.g.op('Mul', [dy[0]!, c.g.op('Mul', [y, y])])])];
  },
  Clip: (c, n, dy) => {
    const [x, lo, hi] = n.inputs as [string, string?, string?];
    let inside: string | undefined;
    const and = (a: string) => (inside = inside ? c.g.op('And', [inside, a]) : a);
    if (lo) and(c.g.op('GreaterOrEqual', [x, lo]));
    if (hi) and(c.g.op('LessOrEqual', [x, hi]));
    return [inside ? c.g.op('Where', [inside, dy[0]!, c.g.float([0], [])]) : dy[0]];
  },
  FastGelu: (c, n, dy) => {
    if (n.inputs.length !== 1) throw new Error(`FastGelu -> ${n.outputs[0]}: only the bias-free form is differentiated`);
    const g = c.g, x = n.inputs[0]!, k = Math.sqrt(2 / Math.PI);
    const x2 = g.op('Mul', [x, x]);                                                                  // x^2
    const s = g.op('Sigmoid', [g.op('Mul', [x, g.op('Add', [g.op('Mul', [x2, g.float([2 * k * GELU_A], [])]), g.float([2 * k], [])])])]);   // sigmoid(2u)
    const du2 = g.op('Add', [g.op('Mul', [x2, g.float([6 * k * GELU_A], [])]), g.float([2 * k], [])]);   // 2u' = 2k + 6ka x^2
    const inner = g.op('Add', [g.op('Mul', [g.op('Mul', [x, g.op('Sub', [g.float([1], []), s])]), du2]), g.float([1], [])]);   // 1 + x (1 - s) 2u'
    return [g.op('Mul', [dy[0]!, g.op('Mul', [s, inner])])];
  },
  ReduceMean: (c, n, dy) => {
    const sx = c.shapes.of(n.inputs[0]!);
    const axes = (n.attrs.axes as number[]).map((a) => (a < 0 ? a + sx.length : a));
    const count = axes.reduce((p, a) => p * sx[a]!, 1);
    const keep = Number(n.attrs.keepdims ?? 1) === 1;
    const d = keep ? dy[0]! : c.g.op('Reshape', [dy[0]!, c.g.int64(sx.map((v, k) => (axes.includes(k) ? 1 : v)))]);
    return [c.g.op('Expand', [c.g.op('Mul', [d, c.g.float([1 / count], [])]), c.g.int64([...sx])])];
  },
  ReduceSum: (c, n, dy) => {
    const sx = c.shapes.of(n.inputs[0]!);
    const axes = c.shapes.ints(n.inputs[1]!, 'ReduceSum axes').map((a) => (a < 0 ? a + sx.length : a));
    const keep = Number(n.attrs.keepdims ?? 1) === 1;
    const d = keep ? dy[0]! : c.g.op('Reshape', [dy[0]!, c.g.int64(sx.map((v, k) => (axes.includes(k) ? 1 : v)))]);
    return [c.g.op('Expand', [d, c.g.int64([...sx])])];
  },
};
