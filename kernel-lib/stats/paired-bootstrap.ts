/**
 * Paired bootstrap over documents for the difference of one statistic between two models scored on
 * the SAME documents (docs/statistics.md). Each replicate draws, within every stratum (a leaf task),
 * n_s document indices with replacement from the seeded RNG (runtime/random.ts) and applies the SAME
 * indices to both models, so the document-to-document variation that both models share cancels.
 * Reported: the observed delta, the bootstrap stderr of the delta (sample stddev of the replicates),
 * the percentile (1 - alpha) CI, and the two-sided p-value of the percentile-CI inversion
 *   p = min(1, 2 * min(#{d* <= 0} + 1, #{d* >= 0} + 1) / (B + 1)),
 * i.e. p < alpha exactly when 0 lies outside the percentile interval (up to the +1 correction).
 */
import { createRng } from '../runtime/random.ts';
import { sampleStddev } from '../eval/metrics.ts';
import { quantile } from './quantile.ts';

/** One stratum: model A's and model B's per-document items for the same documents, in the same order. */
export interface PairedStratum<T> {
  readonly a: readonly T[];
  readonly b: readonly T[];
}

export interface PairedBootstrapConfig {
  /** Bootstrap replicates B. */
  readonly iters: number;
  /** Seed of the replicate RNG (same seed, same data -> same numbers). */
  readonly seed: number;
  /** Two-sided level: the CI is (1 - alpha), "significant" means p < alpha. */
  readonly alpha: number;
}

export const defaults: PairedBootstrapConfig = {
  iters: 10_000,   // p resolves to ~2e-4; the CI ends are stable to ~1e-3 of a 0/1 mean's range
  seed: 20240601,  // fixed so every table regenerates identically
  alpha: 0.05,     // conventional; no multiple-comparison correction is applied
};

export interface PairedDelta {
  readonly delta: number;        // statistic(A) - statistic(B) on the observed documents
  readonly stderr: number;       // sample stddev of the replicate deltas
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly p: number;            // two-sided, percentile-CI inversion
  readonly significant: boolean; // p < alpha
  readonly n: number;            // documents (all strata)
  readonly iters: number;
  readonly alpha: number;
}

/**
 * `statistic` maps one model's items, one array per stratum (in stratum order), to a number
 * (e.g. mean accuracy, MCC, or the GLUE mean of per-stratum metrics).
 */
export function pairedBootstrap<T>(
  strata: readonly PairedStratum<T>[], statistic: (perStratum: readonly (readonly T[])[]) => number,
  config: Partial<PairedBootstrapConfig> = {},
): PairedDelta {
  const c = { ...defaults, ...config };
  if (!Number.isInteger(c.iters) || c.iters < 2) throw new Error(`pairedBootstrap: iters must be an integer >= 2, got ${c.iters}`);
  if (!(c.alpha > 0 && c.alpha < 1)) throw new Error(`pairedBootstrap: alpha must be in (0, 1), got ${c.alpha}`);
  if (strata.length === 0) throw new Error('pairedBootstrap: no strata');
  strata.forEach((s, i) => {
    if (s.a.length !== s.b.length) throw new Error(`pairedBootstrap: stratum ${i} has ${s.a.length} items for A but ${s.b.length} for B (paired tests need the same documents)`);
    if (s.a.length === 0) throw new Error(`pairedBootstrap: stratum ${i} is empty`);
  });
  const delta = statistic(strata.map((s) => s.a)) - statistic(strata.map((s) => s.b));
  const rng = createRng(c.seed);
  const reps = new Float64Array(c.iters);
  const bufA = strata.map((s) => new Array<T>(s.a.length));
  const bufB = strata.map((s) => new Array<T>(s.b.length));
  for (let r = 0; r < c.iters; r++) {
    strata.forEach((s, k) => {
      const n = s.a.length, ra = bufA[k]!, rb = bufB[k]!;
      for (let i = 0; i < n; i++) { const j = rng.int(n); ra[i] = s.a[j]!; rb[i] = s.b[j]!; }
    });
    reps[r] = statistic(bufA) - statistic(bufB);
  }
  let le = 0, ge = 0;
  for (const d of reps) { if (d <= 0) le++; if (d >= 0) ge++; }
  const p = Math.min(1, (2 * Math.min(le + 1, ge + 1)) / (c.iters + 1));
  const sorted = Float64Array.from(reps).sort();
  return {
    delta, stderr: sampleStddev(Array.from(reps)),
    ciLow: quantile(sorted, c.alpha / 2), ciHigh: quantile(sorted, 1 - c.alpha / 2),
    p, significant: p < c.alpha, n: strata.reduce((s, x) => s + x.a.length, 0), iters: c.iters, alpha: c.alpha,
  };
}
