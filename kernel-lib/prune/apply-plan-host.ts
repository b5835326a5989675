/**
 * applyPlanOnHost: applyPlan without tfjs, for models too large to become tfjs variables. The
 * result's parameters are host tensors (model/host-params.ts) whose values are sliced from the
 * input's stored tensors only when read, one tensor at a time (saveModel writing safetensors, an
 * ONNX graph being serialized); the bias shifts of compensation are added on read. Same plan
 * validation, kept indices, config update and created biases as applyPlan, so both give the same
 * model (test/prune/apply-plan-host.test.ts).
 */
import type { LanguageModel } from '../model/types.ts';
import { getFamily } from '../model/families.ts';
import { HostParams, type HostTensor } from '../model/host-params.ts';
import { forShapes, paramFloat32, paramShapes } from '../model/param-values.ts';
import type { PruningPlan } from './pruning-plan.ts';
import { droppedIndices, validatePlan } from './apply-plan.ts';
import { axisKey } from './unit-blocks.ts';

/** Rows / columns `keep` of a row-major tensor: along axis 0 of [R, ...] or axis 1 of [R, C]. */
function gather(data: Float32Array, shape: readonly number[], axis: number, keep: readonly number[]): Float32Array {
  if (shape.length === 1) return Float32Array.from(keep, (k) => data[k]!);
  if (shape.length !== 2) throw new Error(`applyPlanOnHost: cannot slice a rank-${shape.length} tensor`);
  const [R, C] = shape as [number, number];
  if (axis === 0) {
    const out = new Float32Array(keep.length * C);
    keep.forEach((r, i) => out.set(data.subarray(r * C, (r + 1) * C), i * C));
    return out;
  }
  const out = new Float32Array(R * keep.length);
  for (let r = 0; r < R; r++) for (let i = 0; i < keep.length; i++) out[r * keep.length + i] = data[r * C + keep[i]!]!;
  return out;
}

export function applyPlanOnHost<M extends LanguageModel>(model: M, plan: PruningPlan): M {
  const family = getFamily(model.family);
  const shaped = forShapes(model);
  const groups = family.groups(shaped);
  validatePlan(shaped, plan, groups);
  const drop = droppedIndices(plan, groups);
  let config = family.withPrunedUnits ? family.withPrunedUnits(model.config, plan.groups) : model.config;
  const shapes = paramShapes(model);
  const tensors = new Map<string, HostTensor>();
  for (const [name, shape] of shapes) {
    const cuts = [0, 1].map((axis) => ({ axis, removed: drop.get(axisKey(name, axis)) ?? new Set<number>() })).filter((c) => c.removed.size > 0);
    let out = [...shape];
    const steps: { axis: number; keep: number[] }[] = [];
    for (const { axis, removed } of cuts) {
      for (const i of removed) if (i >= out[axis]!) throw new Error(`applyPlanOnHost: index ${i} out of range for '${name}' axis ${axis} (size ${out[axis]})`);
      const keep = [...Array(out[axis]!).keys()].filter((i) => !removed.has(i));
      steps.push({ axis, keep });
      out = out.map((d, a) => (a === axis ? keep.length : d));
    }
    const before = [...shape];
    tensors.set(name, {
      shape: out, dtype: 'F32',
      float32: () => {
        let data = paramFloat32(model, name), cur = before;
        for (const s of steps) {
          data = gather(data, cur, s.axis, s.keep);
          cur = cur.map((d, a) => (a === s.axis ? s.keep.length : d));
        }
        return data;
      },
    });
  }
  const added: string[] = [];
  for (const s of plan.biasShifts ?? []) {
    const t = tensors.get(s.param);
    if (t && t.shape.reduce((a, d) => a * d, 1) !== s.values.length) throw new Error(`applyPlanOnHost: bias shift of '${s.param}' has ${s.values.length} values, the bias has ${t.shape}`);
    const base = t?.float32;
    tensors.set(s.param, { shape: [s.values.length], dtype: 'F32', float32: () => {
      const b = base ? base() : new Float32Array(s.values.length);
      return Float32Array.from(b, (x, k) => x + s.values[k]!);
    } });
    if (!t) added.push(s.param);
  }
  if (added.length) {
    if (!family.withAddedBiases) throw new Error(`applyPlanOnHost: bias compensation needs '${added[0]}', which the ${model.family} family cannot add`);
    const r = family.withAddedBiases(config, added, new Map([...tensors].map(([k, t]) => [k, t.shape])));
    config = r.config;
    for (const [name, shape] of r.zeros) {
      if (!tensors.has(name)) tensors.set(name, { shape, dtype: 'F32', float32: () => new Float32Array(shape.reduce((a, d) => a * d, 1)) });
    }
  }
  const source = model.params instanceof HostParams ? model.params.source : `${model.family} model`;
  return { ...model, config, params: new HostParams(tensors, `${source} (pruned)`) } as M;
}
