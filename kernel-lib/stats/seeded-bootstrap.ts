/**
 * Two-level bootstrap over documents AND training seeds (docs/statistics.md, "Training seeds"). An arm
 * is a list of runs, one per training seed, each scored on the SAME documents (strata = leaf tasks,
 * as in stats/paired-bootstrap.ts); an untrained arm has one run. Each replicate
 *   1. draws, within every stratum, n_s document indices with replacement (the same for every run of
 *      both arms, in the order paired-bootstrap.ts draws them),
 *   2. draws, for an arm of S > 1 runs, S seed indices with replacement (none for S = 1); when the two
 *      arms are per-seed chains from the same seeds (`pairSeeds`), the SAME seed indices serve both,
 * and its value is  mean over drawn seeds of statistic(A_seed, drawn docs)
 *                 - mean over drawn seeds of statistic(B_seed, drawn docs).
 * The observed value is mean_s statistic(A_s) - mean_s statistic(B_s). stderr, percentile CI and the
 * two-sided p are those of paired-bootstrap.ts. With one run per arm no seed is drawn, so the random
 * stream and every number equal pairedBootstrap's. The one-arm form (seededBootstrap) gives a row's
 * value, its stderr and CI, and the sample SD of the statistic across seeds.
 */
import { createRng } from '../runtime/random.ts';
import { mean, sampleStddev } from '../eval/metrics.ts';
import { quantile } from './quantile.ts';
import { defaults, type PairedBootstrapConfig, type PairedDelta } from './paired-bootstrap.ts';

/** One arm: per run (training seed), per stratum, the per-document items (the same documents in every run). */
export type SeededArm<T> = readonly (readonly (readonly T[])[])[];

export interface SeededOptions {
  /** Both arms are per-seed chains from the same seeds: draw seed indices once and use them for both (needs equal run counts). */
  readonly pairSeeds: boolean;
}

export interface SeededDelta extends PairedDelta {
  readonly seedsA: number;
  readonly seedsB: number;
  readonly pairedSeeds: boolean;
}

export interface SeededValue {
  readonly value: number;        // mean over runs of statistic(run)
  readonly stderr: number;       // sample stddev of the replicates
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly seedSd: number | null; // sample SD of statistic(run) across runs; null for one run
  readonly seeds: number;
  readonly n: number;
  readonly iters: number;
  readonly alpha: number;
}

function resolve(config: Partial<PairedBootstrapConfig>, who: string): PairedBootstrapConfig {
  const c = { ...defaults, ...config };
  if (!Number.isInteger(c.iters) || c.iters < 2) throw new Error(`${who}: iters must be an integer >= 2, got ${c.iters}`);
  if (!(c.alpha > 0 && c.alpha < 1)) throw new Error(`${who}: alpha must be in (0, 1), got ${c.alpha}`);
  return c;
}

function check<T>(arms: readonly SeededArm<T>[], who: string): number[] {
  const sizes = arms[0]?.[0]?.map((s) => s.length);
  if (!sizes || sizes.length === 0) throw new Error(`${who}: no runs or no strata`);
  sizes.forEach((n, k) => { if (n === 0) throw new Error(`${who}: stratum ${k} is empty`); });
  arms.forEach((arm, a) => {
    if (arm.length === 0) throw new Error(`${who}: arm ${a} has no runs`);
    arm.forEach((run, r) => {
      if (run.length !== sizes.length || run.some((s, k) => s.length !== sizes[k])) {
        throw new Error(`${who}: arm ${a} run ${r} has strata of ${run.map((s) => s.length).join('/')} items, expected ${sizes.join('/')} (every run must be scored on the same documents)`);
      }
    });
  });
  return sizes;
}

/** Replicates of mean_drawn statistic(A) (- mean_drawn statistic(B) when B is given). */
function replicates<T>(a: SeededArm<T>, b: SeededArm<T> | null, statistic: (perStratum: readonly (readonly T[])[]) => number,
  c: PairedBootstrapConfig, pairSeeds: boolean, sizes: readonly number[]): Float64Array {
  const rng = createRng(c.seed);
  const reps = new Float64Array(c.iters);
  const idx = sizes.map((n) => new Int32Array(n));
  const bufs = (arm: SeededArm<T>) => arm.map((run) => run.map((s) => new Array<T>(s.length)));
  const bufA = bufs(a), bufB = b ? bufs(b) : [];
  const drawSeeds = (n: number): number[] => (n === 1 ? [0] : Array.from({ length: n }, () => rng.int(n)));
  const armMean = (arm: SeededArm<T>, buf: T[][][], drawn: readonly number[]): number => {
    const cache = new Map<number, number>();
    let sum = 0;
    for (const r of drawn) {
      let v = cache.get(r);
      if (v === undefined) {
        const run = arm[r]!, out = buf[r]!;
        for (let k = 0; k < run.length; k++) { const s = run[k]!, ix = idx[k]!, o = out[k]!; for (let i = 0; i < ix.length; i++) o[i] = s[ix[i]!]!; }
        v = statistic(out);
        cache.set(r, v);
      }
      sum += v;
    }
    return sum / drawn.length;
  };
  for (let r = 0; r < c.iters; r++) {
    sizes.forEach((n, k) => { const ix = idx[k]!; for (let i = 0; i < n; i++) ix[i] = rng.int(n); });
    const sa = drawSeeds(a.length);
    const sb = b ? (pairSeeds ? sa : drawSeeds(b.length)) : [];
    reps[r] = armMean(a, bufA, sa) - (b ? armMean(b, bufB, sb) : 0);
  }
  return reps;
}

const observedMean = <T>(arm: SeededArm<T>, statistic: (perStratum: readonly (readonly T[])[]) => number): number => {
  let sum = 0;
  for (const run of arm) sum += statistic(run);
  return sum / arm.length;
};

/** A - B over documents and seeds (see the file comment); one run per arm = stats/paired-bootstrap.ts exactly. */
export function seededPairedBootstrap<T>(a: SeededArm<T>, b: SeededArm<T>, statistic: (perStratum: readonly (readonly T[])[]) => number,
  config: Partial<PairedBootstrapConfig> = {}, opts: SeededOptions = { pairSeeds: false }): SeededDelta {
  const c = resolve(config, 'seededPairedBootstrap');
  const sizes = check([a, b], 'seededPairedBootstrap');
  if (opts.pairSeeds && a.length !== b.length) throw new Error(`seededPairedBootstrap: pairSeeds needs as many runs in both arms, got ${a.length} and ${b.length}`);
  const delta = observedMean(a, statistic) - observedMean(b, statistic);
  const reps = replicates(a, b, statistic, c, opts.pairSeeds, sizes);
  let le = 0, ge = 0;
  for (const d of reps) { if (d <= 0) le++; if (d >= 0) ge++; }
  const p = Math.min(1, (2 * Math.min(le + 1, ge + 1)) / (c.iters + 1));
  const sorted = Float64Array.from(reps).sort();
  return {
    delta, stderr: sampleStddev(Array.from(reps)), ciLow: quantile(sorted, c.alpha / 2), ciHigh: quantile(sorted, 1 - c.alpha / 2),
    p, significant: p < c.alpha, n: sizes.reduce((s, x) => s + x, 0), iters: c.iters, alpha: c.alpha,
    seedsA: a.length, seedsB: b.length, pairedSeeds: opts.pairSeeds,
  };
}

/** One arm's value (mean over runs), its stderr and percentile CI over documents and seeds, and the SD across seeds. */
export function seededBootstrap<T>(arm: SeededArm<T>, statistic: (perStratum: readonly (readonly T[])[]) => number, config: Partial<PairedBootstrapConfig> = {}): SeededValue {
  const c = resolve(config, 'seededBootstrap');
  const sizes = check([arm], 'seededBootstrap');
  const perRun = arm.map((run) => statistic(run));
  const reps = replicates(arm, null, statistic, c, false, sizes);
  const sorted = Float64Array.from(reps).sort();
  return {
    value: mean(perRun), stderr: sampleStddev(Array.from(reps)), ciLow: quantile(sorted, c.alpha / 2), ciHigh: quantile(sorted, 1 - c.alpha / 2),
    seedSd: perRun.length > 1 ? sampleStddev(perRun) : null, seeds: arm.length, n: sizes.reduce((s, x) => s + x, 0), iters: c.iters, alpha: c.alpha,
  };
}
