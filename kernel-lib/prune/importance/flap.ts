/**
 * FLAP's fluctuation metric (An, Zhao, Yu, Tang & Wang, AAAI 2024, "Fluctuation-based Adaptive
 * Structured Pruning for Large Language Models"): for input channel j of an output projection,
 * the variance of the channel over the calibration tokens times the squared norm of the weight
 * column it multiplies, Var(X_j) * ||W_:,j||^2: how much the projection's output would move if the
 * channel were replaced by its mean (which bias compensation then adds back,
 * prune/bias-compensation.ts). A unit's score sums its channels (a head: its D columns, or the
 * rep * D columns of a key/value group). Forward passes only; on LLaMA-7B the paper keeps
 * WikiText-2 perplexity at 14.62 / 17.62 / 31.80 for 20 / 30 / 50% pruning (dense 12.62).
 */
import type { Importance } from './types.ts';
import { channelVariance } from '../../engine/channel-moments.ts';
import { groupMoments, inputColumnNorms, outputOf, sumPerUnit } from './projection-columns.ts';

export const flap: Importance = (group, ctx) => {
  const out = outputOf(group, 'flap');
  const variance = channelVariance(groupMoments(group, ctx, 'flap'));   // [in]
  const { sq } = inputColumnNorms(ctx.model, out);                      // [in]
  return sumPerUnit(variance.map((v, j) => v * sq[j]!), group.count);   // [count]
};
