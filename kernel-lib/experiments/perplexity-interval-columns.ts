/**
 * Table columns for a held-out perplexity with its uncertainty (stats/perplexity-uncertainty.ts):
 * the 95% interval over documents (bootstrap) when the blocks carry them, else over blocks (delta
 * method, centred on the perplexity the study logged), its stderr, plus the token, block and
 * document counts it averages over. For the prune studies' tables (compare-schedules, rank-criteria):
 *   { [name]_stderr, [name]_ci_low, [name]_ci_high, eval_tokens, eval_blocks, eval_documents }
 * (`intervalOnly`: the same without the counts, for tables that list them once per row).
 */
import type { LanguageModel } from '../model/types.ts';
import type { Block } from '../data/packing.ts';
import { heldOutBlockLosses } from '../prune/held-out-block-losses.ts';
import type { BlockLoss } from '../stats/perplexity-stderr.ts';
import { perplexityUncertainty } from '../stats/perplexity-uncertainty.ts';
import { defaults as bootstrapDefaults } from '../stats/paired-bootstrap.ts';

export type IntervalColumns = Record<string, number | null>;

/**
 * Columns from per-block losses already computed (e.g. of a model that is later trained in place).
 * `blocks` undefined (an iteration resumed from disk, whose losses were not kept) or fewer than 2: the same columns, null.
 */
export function intervalColumns(blocks: readonly BlockLoss[] | undefined, name: string, value: number, alpha = 0.05): IntervalColumns {
  const u = perplexityUncertainty(value, blocks, alpha);
  return { ...intervalOnly(blocks, name, value, alpha), eval_tokens: u?.tokens ?? null, eval_blocks: u?.blocks ?? null, eval_documents: u?.documents ?? null };
}

/** The interval columns without the counts; `value` null (no perplexity logged) gives nulls too. */
export function intervalOnly(blocks: readonly BlockLoss[] | undefined, name: string, value: number | null, alpha = 0.05): IntervalColumns {
  const u = value === null ? null : perplexityUncertainty(value, blocks, alpha);
  return { [`${name}_stderr`]: u?.stderr ?? null, [`${name}_ci_low`]: u?.ciLow ?? null, [`${name}_ci_high`]: u?.ciHigh ?? null };
}

export async function perplexityIntervalColumns(model: LanguageModel, blocks: readonly Block[], name: string, value: number, alpha = 0.05): Promise<IntervalColumns> {
  return intervalColumns(await heldOutBlockLosses(model, blocks), name, value, alpha);
}

/** The note line the tables print with these columns. */
export const INTERVAL_NOTE = 'ppl_*_ci_low / _ci_high: 95% interval of the perplexity exp(L), L = mean token NLL over the eval_blocks disjoint blocks (eval_tokens target tokens). '
  + `The blocks are drawn round-robin across the eval_documents held-out documents and the document is the sampling unit: percentile interval of a bootstrap over documents (${bootstrapDefaults.iters} replicates), `
  + 'ppl_*_stderr = ppl x the bootstrap sd of L (without eval_documents: delta method over blocks, exp(L -/+ 1.96 se(L))). '
  + 'All rows use the same blocks, so overlapping intervals do not mean "no difference": the paired ratios on the same documents (the -pairs table) are sharper.';
