/**
 * A pruning target, resolved once: the config with its defaults filled and validated
 * (prune-config.ts) and the sparsity each iteration of its schedule reaches (schedules.ts).
 * `lab prune` resolves it from its flags; pruneAndRecover, prune, planPruning and
 * pruneForwardOnly take the result as it is (a PruneTarget passes through `resolvePruneTarget`
 * unchanged), and `paramsToRemove` turns an iteration's fraction into a parameter count.
 */
import type { ParameterCounts } from './count-parameters.ts';
import { resolvePruneConfig, type PruneConfig } from './prune-config.ts';
import { scheduledTargets } from './schedules.ts';
import { sparsityDenominator } from './sparsity.ts';

export interface PruneTarget {
  /** Defaults filled, validated: what run logs store and resume hashes hash. */
  readonly config: PruneConfig;
  /** Sparsity after each iteration, counted `config.of` over `config.groups` of the base model
   *  (one-shot: [target]; iterative: the cubic schedule, the last equal to target). */
  readonly fractions: readonly number[];
}

/** Targets made here (so a hand-made object of the same shape is resolved, not trusted). */
const resolved = new WeakSet<object>();

/** The target of `config` (overrides of the defaults); a PruneTarget is returned as it is. */
export function resolvePruneTarget(config: Partial<PruneConfig> | PruneTarget = {}): PruneTarget {
  if (resolved.has(config)) return config as PruneTarget;
  const cfg = resolvePruneConfig(config as Partial<PruneConfig>);
  const target: PruneTarget = Object.freeze({ config: cfg, fractions: Object.freeze(scheduledTargets(cfg)) });
  resolved.add(target);
  return target;
}

/** Parameters still to remove from a model of `counts` so that iteration `iteration` (0-based;
 *  default the last) reaches its fraction of `base` (the model pruning started from). */
export function paramsToRemove(target: PruneTarget, counts: ParameterCounts, base: ParameterCounts, iteration = target.fractions.length - 1): number {
  const fraction = target.fractions[iteration];
  if (fraction === undefined) throw new Error(`paramsToRemove: iteration ${iteration} is outside the schedule's ${target.fractions.length} iteration(s)`);
  const { of, groups } = target.config;
  const wanted = fraction * sparsityDenominator(base, of, groups);
  return wanted - (base.total - counts.total);
}
