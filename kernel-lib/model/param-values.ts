/**
 * Reading a model's parameters without making tfjs tensors: shapes, counts and float32 values
 * come from the stored tensors while the model's params are unmaterialised host params
 * (model/host-params.ts), and from the tf.Variables otherwise (trained, pruned or built models).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel } from './types.ts';
import { HostParams, unmaterialized } from './host-params.ts';

/** The shape of parameter `name`, or undefined when the model has none of that name. */
export function paramShape(model: LanguageModel, name: string): readonly number[] | undefined {
  if (model.params instanceof HostParams) return model.params.tensor(name)?.shape;   // shapes never change in place
  return model.params.get(name)?.shape;
}

/** Every parameter's shape, in the model's parameter order. */
export function paramShapes(model: LanguageModel): Map<string, readonly number[]> {
  return new Map([...model.params.keys()].map((n) => [n, paramShape(model, n)!]));
}

/** Number of elements of a shape. */
export function numel(shape: readonly number[]): number {
  return shape.reduce((a, d) => a * d, 1);
}

/** Total parameter count. */
export function parameterCount(model: LanguageModel): number {
  let n = 0;
  for (const s of paramShapes(model).values()) n += numel(s);
  return n;
}

/** The float32 values of parameter `name` (a fresh array); throws naming a missing tensor. */
export function paramFloat32(model: LanguageModel, name: string): Float32Array {
  const host = unmaterialized(model.params);
  if (host) {
    const t = host.tensor(name);
    if (!t) throw new Error(`${host.source}: the ${model.family} model has no parameter '${name}'`);
    return t.float32();
  }
  const v = model.params.get(name);
  if (!v) throw new Error(`the ${model.family} model has no parameter '${name}'`);
  if (v.dtype !== 'float32') throw new Error(`parameter '${name}' is ${v.dtype}, expected float32`);
  return Float32Array.from(v.dataSync() as Float32Array);
}

/**
 * A stand-in of a model whose params carry only `shape`, `size` and `rank`: what Family.groups and
 * the cost formulas read, made from shapes alone (no tensor data, no tfjs tensor). Anything else
 * on those stand-ins is undefined: never compute with it.
 */
export function shapesOnly(model: Pick<LanguageModel, 'family' | 'config'>, shapes: ReadonlyMap<string, readonly number[]>): LanguageModel {
  const params = new Map([...shapes].map(([k, s]) => [k, { shape: [...s], size: numel(s), rank: s.length } as unknown as tf.Variable]));
  return { family: model.family, config: model.config, params };
}

/** The model itself once its params are tfjs variables, else its shape-only stand-in (see shapesOnly). */
export function forShapes(model: LanguageModel): LanguageModel {
  return unmaterialized(model.params) ? shapesOnly(model, paramShapes(model)) : model;
}
