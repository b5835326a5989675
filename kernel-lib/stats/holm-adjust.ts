/**
 * Holm's step-down adjustment of a family of p-values (docs/statistics.md): sort the m p-values
 * ascending, p(1) <= ... <= p(m); the i-th smallest gets max over j <= i of min(1, (m - j + 1) p(j)).
 * Rejecting where the adjusted p < alpha keeps the chance of any false "significant" in the family at
 * most alpha, whatever the tests' dependence. Missing tests (null) are not part of the family and stay
 * null; the result is in the input's order.
 */
export function holmAdjust(p: readonly (number | null)[]): (number | null)[] {
  const present = p.flatMap((v, i) => {
    if (v === null) return [];
    if (!(v >= 0 && v <= 1)) throw new Error(`holmAdjust: p-value ${i} is ${v}; expected a number in [0, 1]`);
    return [{ v, i }];
  });
  present.sort((a, b) => a.v - b.v || a.i - b.i);
  const m = present.length;
  const out: (number | null)[] = p.map(() => null);
  let running = 0;
  present.forEach(({ v, i }, j) => {
    running = Math.max(running, Math.min(1, (m - j) * v));
    out[i] = running;
  });
  return out;
}
