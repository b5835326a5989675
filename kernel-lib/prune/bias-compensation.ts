/**
 * FLAP's baseline bias compensation (An et al., AAAI 2024): a removed input channel j of an
 * output projection is replaced by its calibration mean, so the projection's output keeps
 * sum_{j removed} mean_j * W_:,j, which is folded into the projection's bias. On the calibration
 * tokens the pruned projection's output then has exactly the dense one's mean (the kept channels
 * are unchanged and the removed ones contribute their mean). Returned as plan data (one shift per
 * bias, float64 sums stored as numbers), which applyPlan adds to the bias (creating it when the
 * model has none).
 */
import type { LanguageModel, PrunableGroup } from '../model/types.ts';
import { paramFloat32, paramShape } from '../model/param-values.ts';
import type { ChannelStats } from '../engine/ort-channel-stats.ts';
import type { BiasShift, PlanGroup } from './pruning-plan.ts';

/** The bias shifts of the units `plan` removes, from the calibration means in `stats`. */
export function biasCompensation(model: LanguageModel, groups: readonly PrunableGroup[], plan: readonly PlanGroup[], stats: ChannelStats): BiasShift[] {
  const shifts = new Map<string, Float64Array>();
  for (const p of plan) {
    const g = groups.find((x) => x.kind === p.kind && x.layer === p.layer);
    if (!g?.output) throw new Error(`bias compensation: ${p.kind} layer ${p.layer} declares no output projection`);
    const kept = new Set(p.keep);
    const removed = [...Array(p.count).keys()].filter((u) => !kept.has(u));
    if (!removed.length) continue;
    const m = stats.get(`${p.kind}:${p.layer}`);
    const { weight, inAxis, width, bias } = g.output;
    const shape = paramShape(model, weight)!;                 // GPT-2 Conv1D [in, C]; torch Linear [C, in]
    const [R, Cc] = shape as [number, number];
    const inDim = inAxis === 0 ? R : Cc, outDim = inAxis === 0 ? Cc : R;
    if (!m || m.mean.length !== inDim) throw new Error(`bias compensation: no calibration means of width ${inDim} for ${p.kind} layer ${p.layer}`);
    const w = paramFloat32(model, weight);
    const shift = shifts.get(bias) ?? new Float64Array(outDim);
    for (const u of removed) {
      for (let j = u * width; j < (u + 1) * width; j++) {
        const mu = m.mean[j]!;
        if (mu === 0) continue;
        for (let o = 0; o < outDim; o++) shift[o]! += mu * w[inAxis === 0 ? j * Cc + o : o * Cc + j]!;
      }
    }
    shifts.set(bias, shift);
  }
  return [...shifts].map(([param, v]) => ({ param, values: Array.from(v) }));
}
