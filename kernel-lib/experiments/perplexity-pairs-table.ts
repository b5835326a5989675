/**
 * Paired perplexity ratios A / B on the same blocks, one row per comparison: ratio, its 95% CI, two-sided p,
 * Holm's adjusted p over the table's comparisons (significant = adjusted p < alpha), tokens, blocks and
 * documents. When both models' blocks carry their documents the documents are the unit (paired bootstrap
 * over documents, stats/document-bootstrap.ts), otherwise the blocks (paired delta method,
 * stats/perplexity-stderr.ts); stats/perplexity-uncertainty.ts picks. Used by the study's perplexity
 * table (experiments/study-tables.ts) and the prune studies' -pairs tables.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { BlockLoss } from '../stats/perplexity-stderr.ts';
import { pairedPerplexityUncertainty, seededPairedPerplexityUncertainty } from '../stats/perplexity-uncertainty.ts';
import { holmAdjust } from '../stats/holm-adjust.ts';
import { defaults as bootstrapDefaults } from '../stats/paired-bootstrap.ts';

export interface PerplexityPair {
  readonly label: string;
  readonly a: readonly BlockLoss[] | undefined;
  readonly b: readonly BlockLoss[] | undefined;
  /** Both arms' blocks per training seed (seed 0 first; a and b are then seed 0's): the ratio over documents and seeds
   *  (stats/seeded-bootstrap.ts), `pairSeeds` when both are per-seed chains from the same seeds. The table gains a `seeds` column. */
  readonly seeded?: { readonly a: readonly (readonly BlockLoss[] | undefined)[]; readonly b: readonly (readonly BlockLoss[] | undefined)[]; readonly pairSeeds: boolean };
}

function pairResult(p: PerplexityPair, alpha: number) {
  const s = p.seeded;
  if (s && (s.a.length > 1 || s.b.length > 1)) {
    const full = (xs: readonly (readonly BlockLoss[] | undefined)[]): xs is readonly (readonly BlockLoss[])[] => xs.every((x) => x !== undefined);
    return full(s.a) && full(s.b) ? seededPairedPerplexityUncertainty(s.a, s.b, s.pairSeeds, alpha) : null;
  }
  return p.a && p.b ? pairedPerplexityUncertainty(p.a, p.b, alpha) : null;
}

export function perplexityPairsTable(pairs: readonly PerplexityPair[], alpha = 0.05): ColumnTable {
  const results = pairs.map((p) => pairResult(p, alpha));
  const withSeeds = pairs.some((p) => p.seeded);
  const adjusted = holmAdjust(results.map((r) => r?.p ?? null));   // the table's pairs are one family
  const rows = pairs.map((p, k) => {
    const r = results[k], adj = adjusted[k] ?? null;
    return { comparison: p.label, ratio: r?.ratio ?? null, ratio_ci_low: r?.ciLow ?? null, ratio_ci_high: r?.ciHigh ?? null, ratio_p: r?.p ?? null,
      ratio_p_adjusted: adj, ratio_significant: r ? (adj! < alpha ? 'yes' : 'no') : null, tokens: r?.tokens ?? null, blocks: r?.blocks ?? null, documents: r?.documents ?? null,
      ...(withSeeds ? { seeds: p.seeded ? Math.max(p.seeded.a.length, p.seeded.b.length) : 1 } : {}) };
  });
  return aq.from(rows);
}

/** The note line of a -pairs table. */
export const PAIRS_NOTE = 'ratio = ppl(A) / ppl(B) = exp(L_A - L_B) on the same blocks. Rows with a documents count: the documents are the sampling unit, paired bootstrap over them '
  + `(the same resampled documents for A and B, ${bootstrapDefaults.iters} replicates, 95% percentile CI of the ratio, two-sided p by inverting it); rows without (blocks cached before they carried their documents): `
  + '95% CI exp(d -/+ 1.96 se(d)) with se(d) from the per-block difference of the delta-method residuals, two-sided z-test p. '
  + 'Holm-adjusted p over the table\'s comparisons (ratio_p_adjusted); "significant" = adjusted p < 0.05. It covers the choice of evaluation text only, not the pruning or training seed.';
