/**
 * Static shapes of every value of a forward graph whose inputs have fixed sizes (a training graph
 * is built for one micro-batch shape [B, T]): the reverse pass needs them to undo broadcasting
 * (sum over the broadcast axes, then reshape) and to size zero gradients. Shape, axis and size
 * operands must be int64 initializers (g.int64), as the family decoders write them.
 * Covers the ops the family decoders (engine/onnx-*.ts) emit; any other op is refused by name.
 */
import type { GraphNode, OnnxGraph } from '../onnx-graph.ts';

export type Shape = readonly number[];

/** numpy broadcasting of two shapes (right-aligned). */
export function broadcastShapes(a: Shape, b: Shape, what: string): number[] {
  const r = Math.max(a.length, b.length);
  return Array.from({ length: r }, (_, k) => {
    const x = a[a.length - r + k] ?? 1, y = b[b.length - r + k] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`${what}: shapes [${a}] and [${b}] do not broadcast`);
    return x === 1 ? y : x;
  });
}

const norm = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

export class StaticShapes {
  private readonly shapes = new Map<string, number[]>();

  constructor(private readonly g: OnnxGraph) {
    for (const [name, dims] of g.declaredShapes()) {
      if (dims.every((d) => typeof d === 'number')) this.shapes.set(name, dims as number[]);
    }
  }

  /** The shape of `value`; throws naming it when unknown (a symbolic input or a value not inferred). */
  of(value: string): Shape {
    const s = this.shapes.get(value);
    if (!s) throw new Error(`backward graph ${this.g.name}: no static shape for '${value}'`);
    return s;
  }

  /** `copy` has the shape of `value` (a recomputed value). */
  alias(copy: string, value: string): void {
    this.shapes.set(copy, [...this.of(value)]);
  }

  has(value: string): boolean {
    return this.shapes.has(value);
  }

  /** The values of an int64 constant operand. */
  ints(value: string, what: string): number[] {
    const v = this.g.int64Values(value);
    if (!v) throw new Error(`backward graph ${this.g.name}: ${what} operand '${value}' must be an int64 initializer`);
    return v;
  }

  /** Infers the output shapes of `n` from its inputs' shapes. */
  infer(n: GraphNode): void {
    const s = (k: number) => this.of(n.inputs[k]!);
    const what = `${n.opType} -> ${n.outputs[0]}`;
    const set = (...outs: Shape[]) => outs.forEach((o, k) => this.shapes.set(n.outputs[k]!, [...o]));
    switch (n.opType) {
      case 'Identity': case 'Neg': case 'Tanh': case 'Sigmoid': case 'Sqrt': case 'Reciprocal': case 'Exp':
      case 'Clip': case 'Softmax': case 'LogSoftmax': case 'FastGelu': case 'LayerNormalization': case 'Cast': case 'Trilu':
        return set(s(0));
      case 'Add': case 'Sub': case 'Mul': case 'Div': case 'Equal':
        return set(broadcastShapes(s(0), s(1), what));
      case 'Gather': {
        const axis = norm(Number(n.attrs.axis ?? 0), s(0).length);
        return set([...s(0).slice(0, axis), ...s(1), ...s(0).slice(axis + 1)]);
      }
      case 'MatMul': {
        const a = s(0), b = s(1);
        if (a.length < 2 || b.length < 2) throw new Error(`${what}: rank-1 MatMul operands are not supported`);
        if (a[a.length - 1] !== b[b.length - 2]) throw new Error(`${what}: [${a}] @ [${b}] inner sizes differ`);
        const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2), what);
        return set([...batch, a[a.length - 2]!, b[b.length - 1]!]);
      }
      case 'Reshape': {
        const x = s(0), t = this.ints(n.inputs[1]!, what).map((d, k) => (d === 0 ? x[k]! : d));
        const known = t.reduce((p, d) => (d === -1 ? p : p * d), 1), total = x.reduce((p, d) => p * d, 1);
        return set(t.map((d) => (d === -1 ? total / known : d)));
      }
      case 'Transpose': {
        const x = s(0), perm = (n.attrs.perm as number[] | undefined) ?? x.map((_, k) => x.length - 1 - k);
        return set(perm.map((p) => x[p]!));
      }
      case 'Split': {
        const x = s(0), axis = norm(Number(n.attrs.axis ?? 0), x.length), sizes = this.ints(n.inputs[1]!, what);
        return set(...sizes.map((d) => x.map((v, k) => (k === axis ? d : v))));
      }
      case 'Concat': {
        const x = s(0), axis = norm(Number(n.attrs.axis), x.length);
        const total = n.inputs.reduce((p, v) => p + this.of(v)[axis]!, 0);
        return set(x.map((v, k) => (k === axis ? total : v)));
      }
      case 'Slice': {
        const x = [...s(0)], { starts, ends, axes } = this.sliceArgs(n);
        axes.forEach((a, k) => { x[a] = ends[k]! - starts[k]!; });
        return set(x);
      }
      case 'Unsqueeze': {
        const x = s(0), r = x.length + this.ints(n.inputs[1]!, what).length;
        const axes = new Set(this.ints(n.inputs[1]!, what).map((a) => norm(a, r)));
        const out: number[] = [];
        for (let k = 0, j = 0; k < r; k++) out.push(axes.has(k) ? 1 : x[j++]!);
        return set(out);
      }
      case 'Squeeze': {
        const x = s(0), axes = new Set(this.ints(n.inputs[1]!, what).map((a) => norm(a, x.length)));
        return set(x.filter((_, k) => !axes.has(k)));
      }
      case 'Expand':
        return set(broadcastShapes(s(0), this.ints(n.inputs[1]!, what), what));
      case 'ReduceMean': case 'ReduceSum': {
        const x = s(0);
        const raw = n.opType === 'ReduceMean' ? (n.attrs.axes as number[]) : this.ints(n.inputs[1]!, what);
        const axes = new Set(raw.map((a) => norm(a, x.length)));
        const keep = Number(n.attrs.keepdims ?? 1) === 1;
        return set(keep ? x.map((d, k) => (axes.has(k) ? 1 : d)) : x.filter((_, k) => !axes.has(k)));
      }
      default:
        throw new Error(`backward graph ${this.g.name}: no shape rule for op ${n.opType} (node output ${n.outputs[0]})`);
    }
  }

  /** Slice's operands as clamped, normalised, step-1 ranges per sliced axis. */
  sliceArgs(n: GraphNode): { starts: number[]; ends: number[]; axes: number[] } {
    const x = this.of(n.inputs[0]!), what = `Slice -> ${n.outputs[0]}`;
    const starts = this.ints(n.inputs[1]!, what), ends = this.ints(n.inputs[2]!, what);
    const axes = n.inputs[3] ? this.ints(n.inputs[3], what).map((a) => norm(a, x.length)) : starts.map((_, k) => k);
    if (n.inputs[4] && this.ints(n.inputs[4], what).some((st) => st !== 1)) throw new Error(`${what}: only step 1 is differentiated`);
    const clamp = (v: number, d: number) => Math.max(0, Math.min(d, v < 0 ? v + d : v));
    return { axes, starts: axes.map((a, k) => clamp(starts[k]!, x[a]!)), ends: axes.map((a, k) => clamp(ends[k]!, x[a]!)) };
  }
}
