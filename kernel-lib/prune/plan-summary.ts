/**
 * What a plan did, as JSON for prune_summary.json and the notebooks: per layer and kind the
 * units before and after and which went (the heatmap of removals), the distribution of the
 * criterion's scores (min, quartiles, max, mean), and for bias compensation the L2 norm of each
 * bias shift.
 */
import type { PruningPlan, UnitKind } from './pruning-plan.ts';

export interface ScoreDistribution { readonly min: number; readonly q1: number; readonly median: number; readonly q3: number; readonly max: number; readonly mean: number }

export interface PlanSummary {
  readonly criterion: string;
  readonly selection: string;
  readonly layers: readonly {
    readonly kind: UnitKind; readonly layer: number; readonly before: number; readonly after: number;
    readonly removed: readonly number[]; readonly scores: ScoreDistribution | null;
  }[];
  /** Kept units per layer by kind (layer order). */
  readonly kept: Readonly<Record<string, number[]>>;
  readonly compensation: readonly { readonly param: string; readonly norm: number }[];
}

/** Quantile q of sorted values (linear interpolation between order statistics). */
function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q, lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function distribution(values: readonly number[]): ScoreDistribution | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return { min: s[0]!, q1: quantile(s, 0.25), median: quantile(s, 0.5), q3: quantile(s, 0.75), max: s.at(-1)!, mean: s.reduce((a, x) => a + x, 0) / s.length };
}

export function planSummary(plan: PruningPlan): PlanSummary {
  const kept: Record<string, number[]> = {};
  const layers = plan.groups.map((g) => {
    (kept[g.kind] ??= [])[g.layer] = g.keep.length;
    const k = new Set(g.keep);
    return { kind: g.kind, layer: g.layer, before: g.count, after: g.keep.length,
      removed: [...Array(g.count).keys()].filter((u) => !k.has(u)), scores: distribution(g.scores) };
  });
  const compensation = (plan.biasShifts ?? []).map((s) => ({ param: s.param, norm: Math.sqrt(s.values.reduce((a, x) => a + x * x, 0)) }));
  return { criterion: plan.criterion, selection: plan.selection, layers, kept, compensation };
}
