/**
 * Quantile of sorted data with linear interpolation between order statistics: position
 * h = (n - 1) q, value x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]) (Hyndman-Fan type 7,
 * numpy.quantile's default "linear" method).
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('quantile: no data');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: q must be in [0, 1], got ${q}`);
  const h = (n - 1) * q, lo = Math.floor(h), hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
