/**
 * P(X <= k) for X ~ Binomial(m, 1/2), summed in log space (each term C(m, i) / 2^m from
 * log C(m, i) = sum of logs), so it stays exact to ~1e-13 for m in the tens of thousands.
 */
export function binomialCdfHalf(k: number, m: number): number {
  if (!Number.isInteger(m) || m < 0) throw new Error(`binomialCdfHalf: m must be an integer >= 0, got ${m}`);
  if (!Number.isInteger(k)) throw new Error(`binomialCdfHalf: k must be an integer, got ${k}`);
  if (k < 0) return 0;
  if (k >= m) return 1;
  const ln2m = m * Math.LN2;
  let logC = 0;          // log C(m, 0)
  let s = Math.exp(-ln2m);
  for (let i = 1; i <= k; i++) {
    logC += Math.log(m - i + 1) - Math.log(i);
    s += Math.exp(logC - ln2m);
  }
  return Math.min(1, s);
}
