/**
 * Per-channel moments of an activation over calibration tokens, accumulated batch by batch in
 * float64 with Chan, Golub & LeVeque's pairwise update (1979, "Updating formulae and a pairwise
 * algorithm for computing sample variances"): a batch arrives as its own count, mean and sum of
 * squared deviations, and merging never revisits tokens, so memory stays one row per channel
 * however many tokens are seen.
 */

/** Moments of `cols` channels over `count` tokens. */
export interface ChannelMoments {
  readonly count: number;
  /** Mean of each channel [cols]. */
  readonly mean: Float64Array;
  /** Sum of squared deviations from the mean [cols] (variance = m2 / count). */
  readonly m2: Float64Array;
  /** Sum of squares [cols] (the squared L2 norm of the channel over the tokens). */
  readonly sqNorm: Float64Array;
  /** Sum of absolute values [cols]. */
  readonly absSum: Float64Array;
}

/** One batch's moments, as the statistics graph reports them (float32 is widened here). */
export interface BatchMoments {
  readonly count: number;
  readonly mean: ArrayLike<number>;
  readonly m2: ArrayLike<number>;
  readonly sqNorm: ArrayLike<number>;
  readonly absSum: ArrayLike<number>;
}

/** Moments with no tokens yet. */
export function emptyMoments(cols: number): ChannelMoments {
  return { count: 0, mean: new Float64Array(cols), m2: new Float64Array(cols), sqNorm: new Float64Array(cols), absSum: new Float64Array(cols) };
}

/** `a` merged with batch `b` (a new value; `a` is untouched). Throws when the widths differ. */
export function mergeMoments(a: ChannelMoments, b: BatchMoments): ChannelMoments {
  const cols = a.mean.length;
  for (const k of ['mean', 'm2', 'sqNorm', 'absSum'] as const) {
    if (b[k].length !== cols) throw new Error(`mergeMoments: batch ${k} has ${b[k].length} channels, expected ${cols}`);
  }
  if (b.count === 0) return a;
  const n = a.count + b.count;
  const out = emptyMoments(cols);
  for (let j = 0; j < cols; j++) {
    const delta = b.mean[j]! - a.mean[j]!;
    out.mean[j] = a.mean[j]! + delta * (b.count / n);
    out.m2[j] = a.m2[j]! + b.m2[j]! + delta * delta * (a.count * b.count / n);
    out.sqNorm[j] = a.sqNorm[j]! + b.sqNorm[j]!;
    out.absSum[j] = a.absSum[j]! + b.absSum[j]!;
  }
  return { ...out, count: n };
}

/** Population variance of each channel (m2 / count) [cols]. */
export function channelVariance(m: ChannelMoments): Float64Array {
  return Float64Array.from(m.m2, (x) => (m.count > 0 ? x / m.count : 0));
}
