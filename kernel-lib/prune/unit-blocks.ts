/**
 * The one structural primitive of the pruner: a family's TensorSlice says that unit u
 * of a group owns indices offset + u*width + [0, width) along `axis` of tensor `param`. These helpers
 * turn that declaration into per-unit views (for scoring) and kept-index lists (for slicing),
 * without knowing anything about the family.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel, PrunableGroup, TensorSlice } from '../model/types.ts';

/** The tensor a slice names; throws naming the parameter when the model lacks it. */
export function sliceTensor(model: LanguageModel, slice: TensorSlice): tf.Variable {
  const t = model.params.get(slice.param);
  if (!t) throw new Error(`prune: group slice names parameter '${slice.param}', which the model does not have`);
  if (slice.axis < 0 || slice.axis >= t.rank) {
    throw new Error(`prune: slice of '${slice.param}' uses axis ${slice.axis}, but the tensor has rank ${t.rank}`);
  }
  return t;
}

/**
 * Per-unit view of one slice: [count, width * (product of the other dims)].
 * Row u holds every element unit u owns in this slice. Caller disposes (or wraps in tidy).
 */
export function unitBlocks(t: tf.Tensor, slice: TensorSlice, count: number): tf.Tensor2D {
  return tf.tidy(() => {
    const perm = [slice.axis, ...t.shape.map((_, i) => i).filter((i) => i !== slice.axis)];
    const moved = slice.axis === 0 ? t : tf.transpose(t, perm);               // [A, ...rest]
    const end = slice.offset + count * slice.width;
    if (end > moved.shape[0]!) {
      throw new Error(`prune: slice of '${slice.param}' needs indices up to ${end} on axis ${slice.axis}, tensor has ${moved.shape[0]}`);
    }
    const block = tf.slice(moved, [slice.offset, ...moved.shape.slice(1).map(() => 0)],
      [count * slice.width, ...moved.shape.slice(1)]);                          // [count*width, ...rest]
    return tf.reshape(block, [count, -1]) as tf.Tensor2D;                      // [count, width*rest]
  });
}

/** Number of parameters one unit of `group` owns, read from the slices and the tensor shapes. */
export function unitParamCount(model: LanguageModel, group: PrunableGroup): number {
  let n = 0;
  for (const s of group.slices) {
    const t = sliceTensor(model, s);
    const other = t.shape.reduce((a, d, i) => (i === s.axis ? a : a * d), 1);
    n += s.width * other;
  }
  return n;
}

/** Key of one (param, axis) pair a plan slices. */
export function axisKey(param: string, axis: number): string {
  return `${param}#${axis}`;
}

/**
 * Indices to REMOVE along each (param, axis) when units `removed` of `group` go:
 * union over the group's slices of offset + u*width + [0, width).
 */
export function removedIndices(group: PrunableGroup, removed: readonly number[], into: Map<string, Set<number>>): void {
  for (const s of group.slices) {
    const key = axisKey(s.param, s.axis);
    let set = into.get(key);
    if (!set) { set = new Set(); into.set(key, set); }
    for (const u of removed) {
      const start = s.offset + u * s.width;
      for (let j = 0; j < s.width; j++) set.add(start + j);
    }
  }
}
