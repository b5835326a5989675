/**
 * Parameter values for graph initializers: float32 copies of tfjs variables, transposed where a
 * family stores torch's [out, in] layout and the graph wants MatMul's [in, out].
 */
import type { LanguageModel } from '../model/types.ts';

/** The float32 values of parameter `name` and its shape; throws naming a missing tensor. */
export function paramValues(model: LanguageModel, name: string): { data: Float32Array; shape: number[] } {
  const v = model.params.get(name);
  if (!v) throw new Error(`onnx engine: parameter '${name}' is missing from the ${model.family} model`);
  if (v.dtype !== 'float32') throw new Error(`onnx engine: parameter '${name}' is ${v.dtype}, expected float32`);
  return { data: Float32Array.from(v.dataSync() as Float32Array), shape: [...v.shape] };
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
