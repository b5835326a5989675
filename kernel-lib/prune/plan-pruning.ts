/**
 * planPruning: score every unit of the requested kinds with the configured criterion, convert the
 * sparsity target into a parameter count (prune-target.ts), and select what stays. Returns plain data;
 * nothing in the model changes.
 */
import type { LanguageModel } from '../model/types.ts';
import { getFamily } from '../model/families.ts';
import { forShapes } from '../model/param-values.ts';
import { countParameters, type ParameterCounts } from './count-parameters.ts';
import type { PruneConfig } from './prune-config.ts';
import { paramsToRemove, resolvePruneTarget, type PruneTarget } from './prune-target.ts';
import type { BiasShift, PlanGroup, PruningPlan } from './pruning-plan.ts';
import { biasCompensation } from './bias-compensation.ts';
import { getImportance } from './importance/index.ts';
import type { Importance } from './importance/types.ts';
import { createImportanceContext, type Calibration } from './importance/importance-context.ts';
import { selectUnits, type ScoredGroup } from './select-units.ts';
import { unitParamCount } from './unit-blocks.ts';

export interface PlanOptions {
  /** Calibration sequences (equal length T+1) for data-dependent criteria; the first `calibrationSamples` are used. */
  readonly calibration?: Calibration;
  /** Parameter counts the target is relative to (default: the model itself). Iterative schedules pass the original model's. */
  readonly base?: ParameterCounts;
  /** Which iteration of the target's schedule to plan, 0-based (default the last: the config's target). */
  readonly iteration?: number;
  /** A criterion function overriding config.criterion (its name is still recorded from the config). */
  readonly importance?: Importance;
}

/** The plan for `config` (overrides of the defaults, or a target resolved once by resolvePruneTarget). */
export function planPruning(model: LanguageModel, config: Partial<PruneConfig> | PruneTarget = {}, opts: PlanOptions = {}): PruningPlan {
  const target = resolvePruneTarget(config);
  const cfg = target.config;
  const importance = opts.importance ?? getImportance(cfg.criterion);
  // shapes through a stand-in, so a model whose weights are still in its files stays there
  // (forward-statistics criteria read values through model/param-values.ts and ONNX Runtime)
  const shaped = forShapes(model);
  const groups = getFamily(model.family).groups(shaped).filter((g) => cfg.groups.includes(g.kind));
  if (!groups.length) throw new Error(`planPruning: the model declares no groups of kind ${cfg.groups.join(', ')}`);
  const counts = countParameters(model);
  const remove = paramsToRemove(target, counts, opts.base ?? counts, opts.iteration);
  const ctx = createImportanceContext(model, (opts.calibration ?? []).slice(0, cfg.calibrationSamples),
    { batch: cfg.calibrationBatch, seed: cfg.seed });
  let scored: ScoredGroup[];
  let selected: PlanGroup[];
  let biasShifts: BiasShift[] | undefined;
  try {
    scored = groups.map((group) => {
      const scores = importance(group, ctx);
      if (scores.length !== group.count) {
        throw new Error(`importance '${cfg.criterion}' returned ${scores.length} scores for ${group.kind} layer ${group.layer}, expected ${group.count}`);
      }
      return { group, scores, unitParams: unitParamCount(shaped, group) };
    });
    selected = remove <= 0
      ? scored.map((s) => ({ kind: s.group.kind, layer: s.group.layer, count: s.group.count,
        keep: [...Array(s.group.count).keys()], scores: Array.from(s.scores) }))
      : selectUnits(scored, remove, cfg);
    if (cfg.compensation === 'bias') biasShifts = biasCompensation(model, groups, selected, ctx.channelStats());
  } finally {
    ctx.dispose();
  }
  return { family: model.family, criterion: cfg.criterion, selection: cfg.selection, groups: selected, ...(biasShifts ? { biasShifts } : {}) };
}
