/**
 * Sparsity schedules: the sparsity to reach after each iteration.
 *
 * Zhu & Gupta 2017, "To prune, or not to prune": s_t = s_f + (s_i - s_f) * (1 - t/n)^3 for
 * t = 1..n (Δt = one prune+recover iteration, t0 = 0, s_i = 0 here). Prunes fast first, then
 * slows as the target nears; TF-MOT's PolynomialDecay(power=3) is the same curve.
 */
export type Schedule = (target: number, iterations: number) => number[];

/** Prune to the target at once. */
export const oneShot: Schedule = (target) => [target];

/** Zhu & Gupta's cubic schedule from initial sparsity 0: n values, the last equal to target. */
export const cubic: Schedule = (target, iterations) => {
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`cubic schedule: iterations must be an integer >= 1, got ${iterations}`);
  return [...Array(iterations).keys()].map((i) => target * (1 - (1 - (i + 1) / iterations) ** 3));
};

/** The schedules by name: PruneConfig.schedule, `lab prune --schedule` and its help come from here. */
const registry = { 'one-shot': oneShot, iterative: cubic } as const satisfies Record<string, Schedule>;
export type ScheduleName = keyof typeof registry;
export const schedules: ReadonlyMap<ScheduleName, Schedule> = new Map(Object.entries(registry) as [ScheduleName, Schedule][]);
export const scheduleNames: readonly ScheduleName[] = [...schedules.keys()];

/** The sparsity targets, one per prune+recover iteration, of a resolved config's schedule. */
export function scheduledTargets(cfg: { readonly schedule: ScheduleName; readonly target: number; readonly iterations: number }): number[] {
  return schedules.get(cfg.schedule)!(cfg.target, cfg.iterations);
}
