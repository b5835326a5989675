/**
 * Standard error of an unweighted mean of k independent estimates (e.g. our GLUE score, the mean of
 * nine subtasks' headline metrics on disjoint documents): Var(sum x_i / k) = sum Var(x_i) / k^2, so
 * se = sqrt(sum se_i^2) / k. lm-eval reports no stderr for this mean; this combines its per-task ones.
 */
export function independentMeanStderr(stderrs: readonly number[]): number {
  if (stderrs.length === 0) throw new Error('independentMeanStderr: no stderrs');
  if (stderrs.some((s) => !(s >= 0))) throw new Error('independentMeanStderr: every stderr must be a number >= 0');
  return Math.sqrt(stderrs.reduce((a, s) => a + s * s, 0)) / stderrs.length;
}
