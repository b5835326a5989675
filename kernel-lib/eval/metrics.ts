/**
 * lm-eval's metric and aggregation definitions (lm_eval/api/metrics.py):
 * mean with stderr = sample_stddev / sqrt(n) (Bessel-corrected), sklearn's binary F1 of label 1
 * and Matthews correlation (0 when undefined), bootstrap stderr with 1000-replicate chunks seeded
 * Random(chunk index), and the pooled stderr of a size-weighted group.
 */
import { pythonRandom } from './python-random.ts';

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation with n - 1 (lm-eval sample_stddev). */
export function sampleStddev(xs: readonly number[]): number {
  const mu = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - mu) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** lm-eval mean_stderr: sample_stddev / sqrt(n). */
export function meanStderr(xs: readonly number[]): number {
  return sampleStddev(xs) / Math.sqrt(xs.length);
}

/** A scored document for f1 / mcc: (gold, pred). */
export type GoldPred = readonly [number, number];

/** sklearn.metrics.f1_score(golds, preds) (binary, pos_label=1); 0 when 2TP+FP+FN = 0. */
export function f1Score(items: readonly GoldPred[]): number {
  let tp = 0, fp = 0, fn = 0;
  for (const [g, p] of items) {
    if (p === 1 && g === 1) tp++;
    else if (p === 1) fp++;
    else if (g === 1) fn++;
  }
  const d = 2 * tp + fp + fn;
  return d === 0 ? 0 : (2 * tp) / d;
}

/** sklearn.metrics.matthews_corrcoef(golds, preds), multiclass form; 0 when undefined. */
export function matthewsCorrcoef(items: readonly GoldPred[]): number {
  const t = new Map<number, number>();
  const p = new Map<number, number>();
  let correct = 0;
  for (const [g, q] of items) {
    t.set(g, (t.get(g) ?? 0) + 1);
    p.set(q, (p.get(q) ?? 0) + 1);
    if (g === q) correct++;
  }
  const n = items.length;
  let tp = 0, pp = 0, tt = 0;
  for (const [k, v] of t) { tp += v * (p.get(k) ?? 0); tt += v * v; }
  for (const v of p.values()) pp += v * v;
  const covYtYp = correct * n - tp;
  const covYpYp = n * n - pp;
  const covYtYt = n * n - tt;
  if (covYpYp * covYtYt === 0) return 0;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}

/**
 * lm-eval bootstrap_stderr(f, xs, iters): for chunk i in 0..iters/1000-1, rnd = Random(i) and
 * 1000 replicates f(rnd.choices(xs, k=len(xs))); the stderr is the sample stddev of all replicates.
 */
export function bootstrapStderr<T>(f: (xs: readonly T[]) => number, xs: readonly T[], iters: number): number {
  const chunk = Math.min(1000, iters);
  const reps: number[] = [];
  for (let i = 0; i < Math.floor(iters / chunk); i++) {
    const rnd = pythonRandom(i);
    for (let r = 0; r < chunk; r++) reps.push(f(rnd.choices(xs, xs.length)));
  }
  return sampleStddev(reps);
}

/** lm-eval pooled_sample_stderr(stderrs, sizes) of a size-weighted group. */
export function pooledStderr(stderrs: readonly number[], sizes: readonly number[]): number {
  let num = 0, total = 0;
  stderrs.forEach((se, i) => { num += (sizes[i]! - 1) * se * se * sizes[i]!; total += sizes[i]!; });
  return Math.sqrt(num / (total - sizes.length) / total);
}
