/**
 * What a vector-Jacobian rule (engine/backward/vjp-*.ts) works with: the graph it appends the
 * backward nodes to, the forward values' static shapes, and `sumToShape`, which undoes numpy
 * broadcasting (the gradient of a broadcast operand is the incoming gradient summed over the
 * axes it was broadcast along, reshaped back to the operand's shape).
 */
import { i, type GraphNode, type OnnxGraph } from '../onnx-graph.ts';
import type { Shape, StaticShapes } from './static-shapes.ts';

export interface VjpContext {
  readonly g: OnnxGraph;
  readonly shapes: StaticShapes;
}

/**
 * One op's rule: the gradients of its inputs (undefined where `need` is false or the input is
 * not differentiable) from the gradients of its outputs (undefined for an output no loss term
 * reaches; at least one is defined). Every gradient has its value's forward shape.
 */
export type VjpRule = (c: VjpContext, n: GraphNode, dy: readonly (string | undefined)[], need: readonly boolean[]) => (string | undefined)[];

/** dy of shape `from` (a broadcast of `to`) summed down to shape `to`. */
export function sumToShape(c: VjpContext, dy: string, from: Shape, to: Shape): string {
  const r = from.length, lead = r - to.length;
  const axes: number[] = [];
  for (let k = 0; k < r; k++) if (k < lead || (to[k - lead] === 1 && from[k] !== 1)) axes.push(k);
  if (axes.length === 0) return dy;
  const s = c.g.op('ReduceSum', [dy, c.g.int64(axes)], { keepdims: i(1) });
  return lead === 0 ? s : c.g.op('Reshape', [s, c.g.int64([...to])]);
}

/** A float32 zero tensor of a static shape. */
export function zerosOf(c: VjpContext, shape: Shape): string {
  return c.g.op('ConstantOfShape', [c.g.int64([...shape])]);
}
