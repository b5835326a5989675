/**
 * McNemar's exact test for two classifiers' 0/1 outcomes on the same documents (docs/statistics.md):
 * only discordant documents count, n01 (A wrong, B right) and n10 (A right, B wrong); under H0 each
 * discordant document is equally likely either way, so n10 ~ Binomial(n01 + n10, 1/2) and the
 * two-sided exact p is min(1, 2 P(X <= min(n01, n10))).
 */
import { binomialCdfHalf } from './binomial-cdf.ts';

export interface McNemarResult {
  readonly n01: number;   // A wrong, B right
  readonly n10: number;   // A right, B wrong
  readonly p: number;     // two-sided exact p (1 when there are no discordant documents)
}

export function mcnemarExact(a: readonly number[], b: readonly number[]): McNemarResult {
  if (a.length !== b.length) throw new Error(`mcnemarExact: ${a.length} outcomes for A but ${b.length} for B (the same documents are needed)`);
  let n01 = 0, n10 = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    if ((x !== 0 && x !== 1) || (y !== 0 && y !== 1)) throw new Error(`mcnemarExact: document ${i} has outcomes (${x}, ${y}); expected 0/1`);
    if (x === 0 && y === 1) n01++;
    else if (x === 1 && y === 0) n10++;
  });
  const m = n01 + n10;
  const p = m === 0 ? 1 : Math.min(1, 2 * binomialCdfHalf(Math.min(n01, n10), m));
  return { n01, n10, p };
}
