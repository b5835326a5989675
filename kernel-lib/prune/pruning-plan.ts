/**
 * A pruning plan is plain data: for each prunable group (kind, layer), which units stay
 * and the score each unit had. It is JSON-serialisable, stored in the run JSON, shown as a table,
 * and replayable on the same base checkpoint with applyPlan.
 */
import * as aq from 'arquero';
import type { FamilyName } from '../model/types.ts';

/** The prunable unit kinds (PruneConfig.groups, `lab prune --groups`). */
export const unitKinds = ['heads', 'mlp'] as const;
export type UnitKind = typeof unitKinds[number];

export interface PlanGroup {
  readonly kind: UnitKind;
  readonly layer: number;
  /** Units present in the layer before this plan (current numbering 0..count-1). */
  readonly count: number;
  /** Current unit indices that stay, strictly ascending (order in the new tensors). */
  readonly keep: readonly number[];
  /** Importance of every current unit (length count); empty when the plan was written by hand. */
  readonly scores: readonly number[];
}

/** Added to a bias after slicing (bias compensation, prune/bias-compensation.ts); the bias is created when missing. */
export interface BiasShift {
  readonly param: string;
  readonly values: readonly number[];   // [C]
}

export interface PruningPlan {
  readonly family: FamilyName;
  /** Importance criterion and selection that produced it ('manual' for hand-written plans). */
  readonly criterion: string;
  readonly selection: string;
  readonly groups: readonly PlanGroup[];
  /** Bias compensation of the removed units (absent: none). */
  readonly biasShifts?: readonly BiasShift[];
}

/** One row per group: kind, layer, before, after, removed ids, score range. */
export function planTable(plan: PruningPlan): aq.ColumnTable {
  const rows = plan.groups.map((g) => {
    const kept = new Set(g.keep);
    const removed = [...Array(g.count).keys()].filter((u) => !kept.has(u));
    const s = g.scores.length ? g.scores : [NaN];
    return {
      kind: g.kind,
      layer: g.layer,
      before: g.count,
      after: g.keep.length,
      removed: removed.length <= 12 ? removed.join(',') : `${removed.slice(0, 12).join(',')},… (${removed.length})`,
      score_min: Math.min(...s),
      score_max: Math.max(...s),
    };
  });
  return aq.from(rows);
}
