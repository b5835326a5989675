/**
 * Wanda-sp, the structured variant of Wanda (Sun, Liu, Bair & Kolter 2023, "A Simple and Effective
 * Pruning Approach for Large Language Models") that FLAP (An et al., AAAI 2024) uses as its
 * baseline: the element score |W_ij| * ||X_j||_2 summed over a unit's weights in the output
 * projection, i.e. per input channel j, ||X_j||_2 * sum_i |W_ij|, summed over the unit's channels.
 * ||X_j||_2 is the channel's L2 norm over the calibration tokens. Forward passes only; on LLaMA-7B
 * the FLAP paper reports WikiText-2 perplexity 22.12 / 38.88 / 366.43 at 20 / 30 / 50%.
 */
import type { Importance } from './types.ts';
import { groupMoments, inputColumnNorms, outputOf, sumPerUnit } from './projection-columns.ts';

export const wandaSp: Importance = (group, ctx) => {
  const out = outputOf(group, 'wanda-sp');
  const m = groupMoments(group, ctx, 'wanda-sp');
  const { abs } = inputColumnNorms(ctx.model, out);                      // [in]
  return sumPerUnit(m.sqNorm.map((s, j) => Math.sqrt(s) * abs[j]!), group.count);   // [count]
};
