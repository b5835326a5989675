/**
 * applyPlan: a NEW, physically smaller model: every coupled tensor is sliced with
 * tf.gather along the declared axis; tensors the plan does not touch are shared copy-on-write
 * (tf.variable of the same data; an assign replaces the data, so the input never changes).
 * The whole plan is validated before anything is built.
 *
 * Configs that record pruned units (GPT-2's `prunedHeads`: layer -> ORIGINAL head ids, as
 * transformers' `config.pruned_heads`) get the union of the old and new removals, mapped back to
 * original ids, so saveModel writes `pruned_heads` the way transformers does.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel, PrunableGroup } from '../model/types.ts';
import { getFamily } from '../model/families.ts';
import type { BiasShift, PruningPlan } from './pruning-plan.ts';
import { removedIndices } from './unit-blocks.ts';

/** Checks the plan against the model's current groups; throws naming the group and the reason. */
export function validatePlan(model: LanguageModel, plan: PruningPlan, groups: readonly PrunableGroup[]): void {
  if (plan.family !== model.family) throw new Error(`applyPlan: the plan is for family '${plan.family}', the model is '${model.family}'`);
  const seen = new Set<string>();
  for (const p of plan.groups) {
    const where = `applyPlan: ${p.kind} layer ${p.layer}`;
    const id = `${p.kind}:${p.layer}`;
    if (seen.has(id)) throw new Error(`${where}: listed twice in the plan`);
    seen.add(id);
    const g = groups.find((x) => x.kind === p.kind && x.layer === p.layer);
    if (!g) throw new Error(`${where}: the model has no such group`);
    if (p.count !== g.count) throw new Error(`${where}: the plan was made for ${p.count} units, the model has ${g.count}`);
    if (!Array.isArray(p.keep)) throw new Error(`${where}: keep must be a list of unit indices`);
    if (p.keep.length === 0) {
      throw new Error(`${where}: the plan removes every unit; a layer must keep at least one ${p.kind === 'heads' ? 'head (transformers cannot prune all heads of a layer, #17475)' : 'MLP neuron'}`);
    }
    p.keep.forEach((u, i) => {
      if (!Number.isInteger(u) || u < 0 || u >= g.count) throw new Error(`${where}: kept index ${u} is out of range 0..${g.count - 1}`);
      if (i > 0 && u <= p.keep[i - 1]!) throw new Error(`${where}: kept indices must be strictly ascending (got ${p.keep[i - 1]} then ${u})`);
    });
  }
}

/** Per (param, axis) key, the indices a validated plan removes (unit-blocks.ts removedIndices over its groups). */
export function droppedIndices(plan: PruningPlan, groups: readonly PrunableGroup[]): Map<string, Set<number>> {
  const drop = new Map<string, Set<number>>();
  for (const p of plan.groups) {
    const g = groups.find((x) => x.kind === p.kind && x.layer === p.layer)!;
    const kept = new Set(p.keep);
    removedIndices(g, [...Array(g.count).keys()].filter((u) => !kept.has(u)), drop);
  }
  return drop;
}

export function applyPlan<M extends LanguageModel>(model: M, plan: PruningPlan): M {
  const family = getFamily(model.family);
  const groups = family.groups(model);
  validatePlan(model, plan, groups);
  const drop = droppedIndices(plan, groups);
  const config = family.withPrunedUnits ? family.withPrunedUnits(model.config, plan.groups) : model.config;
  // Validate every slice target before allocating anything.
  const byParam = new Map<string, { axis: number; removed: Set<number> }[]>();
  for (const [key, removed] of drop) {
    const cut = key.lastIndexOf('#');
    const name = key.slice(0, cut), axis = Number(key.slice(cut + 1));
    const t = model.params.get(name);
    if (!t) throw new Error(`applyPlan: group slices name '${name}', which the model does not have`);
    for (const i of removed) if (i >= t.shape[axis]!) throw new Error(`applyPlan: index ${i} out of range for '${name}' axis ${axis} (size ${t.shape[axis]})`);
    byParam.set(name, [...(byParam.get(name) ?? []), { axis, removed }]);
  }
  const params = new Map<string, tf.Variable>();
  for (const [name, v] of model.params) {
    const cuts = byParam.get(name);
    if (!cuts || cuts.every((c) => c.removed.size === 0)) { params.set(name, tf.variable(v, v.trainable)); continue; }
    const sliced = tf.tidy(() => {
      let t: tf.Tensor = v;
      for (const { axis, removed } of cuts) {
        const keep = [...Array(t.shape[axis]!).keys()].filter((i) => !removed.has(i));
        t = tf.gather(t, tf.tensor1d(keep, 'int32'), axis);
      }
      return t;
    });
    // Fresh data, not the gather output's: tfjs gather reshapes through rank 4 and the wasm backend
    // keeps that kernel-output shape for the data id, which its FusedMatMul then rejects as a bias.
    const fresh = tf.tensor(sliced.dataSync(), sliced.shape, sliced.dtype);
    params.set(name, tf.variable(fresh, v.trainable));
    tf.dispose([sliced, fresh]);
  }
  const next = { ...model, config, params } as M;
  return plan.biasShifts?.length ? withBiasShifts(next, plan.biasShifts) : next;
}

/**
 * The model with each shift added to its bias (bias compensation). A bias the model lacks is
 * created from the shift; the family then says how its config records it (and which zero biases
 * its config flag implies, e.g. Llama's attention_bias covers q/k/v/o); a family without that
 * hook refuses, naming the bias.
 */
function withBiasShifts<M extends LanguageModel>(model: M, shifts: readonly BiasShift[]): M {
  const params = new Map(model.params);
  const added: string[] = [];
  for (const s of shifts) {
    const v = params.get(s.param);
    if (v && v.size !== s.values.length) throw new Error(`applyPlan: bias shift of '${s.param}' has ${s.values.length} values, the bias has ${v.size}`);
    const old = v ? (v.dataSync() as Float32Array) : new Float32Array(s.values.length);
    const data = Float32Array.from(old, (x, k) => x + s.values[k]!);
    params.set(s.param, tf.variable(tf.tensor1d(data), v?.trainable ?? true));
    v?.dispose();
    if (!v) added.push(s.param);
  }
  let config = model.config;
  if (added.length) {
    const family = getFamily(model.family);
    if (!family.withAddedBiases) throw new Error(`applyPlan: bias compensation needs '${added[0]}', which the ${model.family} family cannot add`);
    const r = family.withAddedBiases(config, added, new Map([...params].map(([k, t]) => [k, t.shape])));
    config = r.config;
    for (const [name, shape] of r.zeros) if (!params.has(name)) params.set(name, tf.variable(tf.zeros(shape)));
  }
  return { ...model, config, params } as M;
}
