/**
 * Activation importance: mean |activation| of the unit over the calibration tokens, read at the
 * input of the output projections (MLP hidden after the nonlinearity; per-head outputs before the
 * output projection), averaged over the unit's channels. Forward-only, as NVIDIA Minitron's width
 * criteria (Muralidharan et al. 2024, "Compact Language Models via Pruning and Knowledge
 * Distillation"): neurons by MLP activation, heads by the magnitude of their outputs. Reads the
 * same ONNX Runtime statistics as flap and wanda-sp.
 */
import type { Importance } from './types.ts';
import { groupMoments, sumPerUnit } from './projection-columns.ts';

export const activation: Importance = (group, ctx) => {
  const m = groupMoments(group, ctx, 'activation');
  const width = m.absSum.length / group.count;
  const perUnit = sumPerUnit(m.absSum, group.count);                    // [count]
  return perUnit.map((s) => s / (width * m.count));
};
