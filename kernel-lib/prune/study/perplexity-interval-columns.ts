/**
 * Table columns for a held-out perplexity with its uncertainty (stats/perplexity-stderr.ts): the
 * 95% interval over blocks, centred on the perplexity the study logged, plus the token and block
 * counts it averages over. For the prune studies' tables (compare-schedules, rank-criteria):
 *   { [name]_ci_low, [name]_ci_high, eval_tokens, eval_blocks }.
 */
import type { LanguageModel } from '../../model/types.ts';
import type { Block } from '../../data/packing.ts';
import { heldOutBlockLosses } from './held-out-block-losses.ts';
import { perplexityEstimate, type BlockLoss } from '../../stats/perplexity-stderr.ts';
import { zCritical } from '../../stats/normal-cdf.ts';

export type IntervalColumns = Record<string, number>;

/** Columns from per-block losses already computed (e.g. of a model that is later trained in place). */
export function intervalColumns(blocks: readonly BlockLoss[], name: string, value: number, alpha = 0.05): IntervalColumns {
  const est = perplexityEstimate(blocks, alpha);
  const z = zCritical(alpha), L = Math.log(value);
  return {
    [`${name}_ci_low`]: Math.exp(L - z * est.stderrNll), [`${name}_ci_high`]: Math.exp(L + z * est.stderrNll),
    eval_tokens: est.tokens, eval_blocks: est.blocks,
  };
}

export async function perplexityIntervalColumns(model: LanguageModel, blocks: readonly Block[], name: string, value: number, alpha = 0.05): Promise<IntervalColumns> {
  return intervalColumns(await heldOutBlockLosses(model, blocks), name, value, alpha);
}

/** The note line the tables print with these columns. */
export const INTERVAL_NOTE = 'ppl_*_ci_low / _ci_high: 95% interval exp(L -/+ 1.96 se(L)), L = mean token NLL, se(L) by the delta method over the eval_blocks disjoint blocks (eval_tokens target tokens). '
  + 'All rows use the same blocks, so overlapping intervals do not mean "no difference": a paired comparison on the blocks is sharper.';
