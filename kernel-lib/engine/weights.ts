/**
 * How engine graphs read a model's parameters: shapes without reading data, and initializers
 * whose float32 values are produced when the graph is serialized (widened from F16/BF16 storage,
 * transposed where a family stores torch's [out, in] layout and MatMul wants [in, out]).
 * Family descriptions (engine/onnx-*.ts) use only these functions, never `model.params`.
 */
import type { LanguageModel } from '../model/types.ts';
import type { OnnxGraph } from './onnx-graph.ts';

/** The stored shape of parameter `name`, or undefined when the model has none of that name. */
export function paramShape(model: LanguageModel, name: string): readonly number[] | undefined {
  return model.params.get(name)?.shape;
}

/** The shape of a parameter that must exist; throws naming it. */
export function requireShape(model: LanguageModel, name: string): readonly number[] {
  const s = paramShape(model, name);
  if (!s) throw new Error(`onnx engine: parameter '${name}' is missing from the ${model.family} model`);
  return s;
}

/** The float32 values of parameter `name` and its shape; throws naming a missing tensor. */
export function paramValues(model: LanguageModel, name: string): { data: Float32Array; shape: number[] } {
  const v = model.params.get(name);
  if (!v) throw new Error(`onnx engine: parameter '${name}' is missing from the ${model.family} model`);
  if (v.dtype !== 'float32') throw new Error(`onnx engine: parameter '${name}' is ${v.dtype}, expected float32`);
  return { data: Float32Array.from(v.dataSync() as Float32Array), shape: [...v.shape] };
}

/**
 * Adds parameter `name` as a float32 initializer of `g` and returns its value name (`name`, or
 * `name.T` when transposed). A 2-D [R, C] parameter with `transpose` becomes [C, R]. Adding the
 * same initializer twice returns the existing one (tied weights).
 */
export function weightInit(g: OnnxGraph, model: LanguageModel, name: string, opts: { readonly transpose?: boolean } = {}): string {
  const as = opts.transpose ? `${name}.T` : name;
  if (g.has(as)) return as;
  const p = paramValues(model, name);
  if (!opts.transpose) return g.weight(as, p.data, p.shape);
  if (p.shape.length !== 2) throw new Error(`onnx engine: parameter '${name}' has shape [${p.shape}], expected 2-D to transpose`);
  return g.weight(as, transpose2d(p.data, p.shape[0]!, p.shape[1]!), [p.shape[1]!, p.shape[0]!]);
}

/** a [R, C] row-major -> a^T [C, R]. */
export function transpose2d(a: Float32Array, R: number, C: number): Float32Array {
  const out = new Float32Array(R * C);
  for (let r = 0; r < R; r++) {
    const row = r * C;
    for (let c = 0; c < C; c++) out[c * R + r] = a[row + c]!;
  }
  return out;
}
