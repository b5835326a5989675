/**
 * Vector-Jacobian rules of the ops that only move values:
 *   Reshape / Unsqueeze / Squeeze   dx = reshape(dy, shape(x))
 *   Transpose(perm)                 dx = transpose(dy, perm^-1)
 *   Split(axis)                     dx = concat(dy_1..dy_n) (zeros for a piece no loss reaches)
 *   Concat(axis)                    dx_k = the k-th piece of split(dy)
 *   Slice (step 1)                  dx = dy padded with zeros back to shape(x)
 *   Expand                          dx = sum_b(dy)
 *   Gather(axis 0) of a table       dtable = scatter-add of dy rows at the indices (ScatterND,
 *                                   reduction 'add', opset 16+: repeated ids accumulate)
 */
import { i, ints } from '../onnx-graph.ts';
import { sumToShape, zerosOf, type VjpRule } from './vjp-context.ts';

const reshapeBack: VjpRule = (c, n, dy) => [c.g.op('Reshape', [dy[0]!, c.g.int64([...c.shapes.of(n.inputs[0]!)])])];

export const structuralRules: Record<string, VjpRule> = {
  Reshape: reshapeBack,
  Unsqueeze: reshapeBack,
  Squeeze: reshapeBack,
  Transpose: (c, n, dy) => {
    const r = c.shapes.of(n.inputs[0]!).length;
    const perm = (n.attrs.perm as number[] | undefined) ?? Array.from({ length: r }, (_, k) => r - 1 - k);
    const inv = new Array<number>(r);
    perm.forEach((p, k) => { inv[p] = k; });
    return [c.g.op('Transpose', [dy[0]!], { perm: ints(inv) })];
  },
  Split: (c, n, dy) => {
    const axis = Number(n.attrs.axis ?? 0);
    const parts = n.outputs.map((o, k) => dy[k] ?? zerosOf(c, c.shapes.of(o)));
    return [c.g.op('Concat', parts, { axis: i(axis) })];
  },
  Concat: (c, n, dy, need) => {
    const sx = c.shapes.of(n.inputs[0]!), axis = Number(n.attrs.axis);
    const a = axis < 0 ? axis + sx.length : axis;
    const sizes = n.inputs.map((x) => c.shapes.of(x)[a]!);
    const parts = c.g.ops('Split', [dy[0]!, c.g.int64(sizes)], { axis: i(a) }, { outputs: sizes.length });
    return parts.map((p, k) => (need[k] ? p : undefined));
  },
  Slice: (c, n, dy) => {
    const sx = c.shapes.of(n.inputs[0]!), { starts, ends, axes } = c.shapes.sliceArgs(n);
    const before = sx.map(() => 0), after = sx.map(() => 0);
    axes.forEach((a, k) => { before[a] = starts[k]!; after[a] = sx[a]! - ends[k]!; });
    return [c.g.op('Pad', [dy[0]!, c.g.int64([...before, ...after])], { mode: { s: 'constant' } })];
  },
  Expand: (c, n, dy) => [sumToShape(c, dy[0]!, c.shapes.of(n.outputs[0]!), c.shapes.of(n.inputs[0]!))],
  Gather: (c, n, dy, need) => {
    if (!need[0]) return [undefined, undefined];
    if (Number(n.attrs.axis ?? 0) !== 0) throw new Error(`Gather -> ${n.outputs[0]}: only axis 0 is differentiated`);
    const g = c.g, [table, idx] = n.inputs as [string, string];
    const zeros = zerosOf(c, c.shapes.of(table));                                                 // [V, C]
    const at = g.op('Unsqueeze', [idx, g.int64([-1])]);                                          // [.., 1]
    return [g.op('ScatterND', [zeros, at, dy[0]!], { reduction: { s: 'add' } }), undefined];
  },
};
