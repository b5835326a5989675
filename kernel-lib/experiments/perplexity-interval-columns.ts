/**
 * Table columns for a held-out perplexity with its uncertainty (stats/perplexity-stderr.ts): the
 * 95% interval over blocks, centred on the perplexity the study logged, its delta-method stderr,
 * plus the token and block counts it averages over. For the prune studies' tables
 * (compare-schedules, rank-criteria):
 *   { [name]_stderr, [name]_ci_low, [name]_ci_high, eval_tokens, eval_blocks }
 * (`intervalOnly`: the same without the counts, for tables that list them once per row).
 */
import type { LanguageModel } from '../model/types.ts';
import type { Block } from '../data/packing.ts';
import { heldOutBlockLosses } from '../prune/held-out-block-losses.ts';
import { perplexityEstimate, type BlockLoss } from '../stats/perplexity-stderr.ts';
import { zCritical } from '../stats/normal-cdf.ts';

export type IntervalColumns = Record<string, number | null>;

/**
 * Columns from per-block losses already computed (e.g. of a model that is later trained in place).
 * `blocks` undefined (an iteration resumed from disk, whose losses were not kept) or fewer than 2: the same columns, null.
 */
export function intervalColumns(blocks: readonly BlockLoss[] | undefined, name: string, value: number, alpha = 0.05): IntervalColumns {
  if (!blocks || blocks.length < 2) return { ...intervalOnly(undefined, name, value, alpha), eval_tokens: null, eval_blocks: null };
  const est = perplexityEstimate(blocks, alpha);
  return { ...intervalOnly(blocks, name, value, alpha), eval_tokens: est.tokens, eval_blocks: est.blocks };
}

/** The interval columns without the counts; `value` null (no perplexity logged) gives nulls too. */
export function intervalOnly(blocks: readonly BlockLoss[] | undefined, name: string, value: number | null, alpha = 0.05): IntervalColumns {
  if (value === null || !blocks || blocks.length < 2) return { [`${name}_stderr`]: null, [`${name}_ci_low`]: null, [`${name}_ci_high`]: null };
  const est = perplexityEstimate(blocks, alpha);
  const z = zCritical(alpha), L = Math.log(value);
  return { [`${name}_stderr`]: value * est.stderrNll, [`${name}_ci_low`]: Math.exp(L - z * est.stderrNll), [`${name}_ci_high`]: Math.exp(L + z * est.stderrNll) };
}

export async function perplexityIntervalColumns(model: LanguageModel, blocks: readonly Block[], name: string, value: number, alpha = 0.05): Promise<IntervalColumns> {
  return intervalColumns(await heldOutBlockLosses(model, blocks), name, value, alpha);
}

/** The note line the tables print with these columns. */
export const INTERVAL_NOTE = 'ppl_*_ci_low / _ci_high: 95% interval exp(L -/+ 1.96 se(L)), L = mean token NLL, se(L) by the delta method over the eval_blocks disjoint blocks (eval_tokens target tokens); ppl_*_stderr = ppl x se(L). '
  + 'All rows use the same blocks, so overlapping intervals do not mean "no difference": the paired ratios on the same blocks (the -pairs table) are sharper.';
