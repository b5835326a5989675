/**
 * Standard normal tail and quantile for the delta-method intervals (docs/statistics.md).
 * erfc by the Chebyshev-fitted exponential form erfc(x) ~ t exp(-x^2 + P(t)), t = 1 / (1 + x/2)
 * (fractional error < 1.2e-7 everywhere), which is ample for p-values printed to 4 digits.
 */
const C = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];

export function erfc(x: number): number {
  const z = Math.abs(x), t = 1 / (1 + 0.5 * z);
  let poly = 0;
  for (let i = C.length - 1; i >= 0; i--) poly = C[i]! + t * poly;
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

/** Two-sided p of a z statistic: P(|Z| >= |z|). */
export function twoSidedP(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

/** z with P(Z <= z) = 1 - alpha / 2 (e.g. 1.959964 for alpha 0.05), by bisection on erfc. */
export function zCritical(alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new Error(`zCritical: alpha must be in (0, 1), got ${alpha}`);
  let lo = 0, hi = 40;
  for (let i = 0; i < 200; i++) { const mid = (lo + hi) / 2; if (twoSidedP(mid) > alpha) lo = mid; else hi = mid; }
  return (lo + hi) / 2;
}
