/**
 * How engine graphs read a model's parameters: shapes without reading data, and initializers
 * whose float32 values are produced only when the graph is serialized (read from the stored
 * tensors, widened from F16/BF16, transposed where a family stores torch's [out, in] layout and
 * MatMul wants [in, out]), so building a graph never holds the model twice and never makes a tfjs
 * tensor. Family descriptions (engine/onnx-*.ts) use only these functions, never `model.params`.
 */
import type { LanguageModel } from '../model/types.ts';
import { paramFloat32, paramShape as storedShape } from '../model/param-values.ts';
import { ints, type OnnxGraph } from './onnx-graph.ts';

/** The stored shape of parameter `name`, or undefined when the model has none of that name. */
export function paramShape(model: LanguageModel, name: string): readonly number[] | undefined {
  return storedShape(model, name);
}

/** The shape of a parameter that must exist; throws naming it. */
export function requireShape(model: LanguageModel, name: string): readonly number[] {
  const s = storedShape(model, name);
  if (!s) throw new Error(`onnx engine: parameter '${name}' is missing from the ${model.family} model`);
  return s;
}

/**
 * Adds parameter `name` as a float32 initializer of `g` and returns its value name (`name`, or
 * `name.T` when transposed). A 2-D [R, C] parameter with `transpose` becomes [C, R]. Adding the
 * same initializer twice returns the existing one (tied weights). With `g.paramInputs` the
 * parameter is a graph input instead (training graphs).
 */
export function weightInit(g: OnnxGraph, model: LanguageModel, name: string, opts: { readonly transpose?: boolean } = {}): string {
  const as = opts.transpose ? `${name}.T` : name;
  if (g.has(as)) return as;
  const shape = requireShape(model, name);
  if (g.paramInputs) {
    // training graphs: the stored tensor is an input; a transposed use is a Transpose node,
    // through which the backward pass carries the gradient to the stored layout
    if (!g.has(name)) g.input(name, 'float32', shape);
    return opts.transpose ? g.op('Transpose', [name], { perm: ints([1, 0]) }, { name: as }) : name;
  }
  if (!opts.transpose) return g.lazyWeight(as, shape, () => paramFloat32(model, name));
  if (shape.length !== 2) throw new Error(`onnx engine: parameter '${name}' has shape [${shape}], expected 2-D to transpose`);
  const [R, C] = shape as [number, number];
  return g.lazyWeight(as, [C, R], () => transpose2d(paramFloat32(model, name), R, C));
}

/** a [R, C] row-major -> a^T [C, R], in 64 x 64 tiles (a cache-friendly walk for large matrices). */
export function transpose2d(a: Float32Array, R: number, C: number): Float32Array {
  if (a.length !== R * C) throw new Error(`transpose2d: ${a.length} values for a [${R}, ${C}] matrix`);
  const out = new Float32Array(R * C);
  const B = 64;
  for (let r0 = 0; r0 < R; r0 += B) {
    const r1 = Math.min(R, r0 + B);
    for (let c0 = 0; c0 < C; c0 += B) {
      const c1 = Math.min(C, c0 + B);
      for (let r = r0; r < r1; r++) {
        const row = r * C;
        for (let c = c0; c < c1; c++) out[c * R + r] = a[row + c]!;
      }
    }
  }
  return out;
}
