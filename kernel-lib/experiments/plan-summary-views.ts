/**
 * What a pruning plan did, for a notebook: its summary (prune/plan-summary.ts; the `plan` field of
 * a prune_summary.json) as a table per (kind, layer) of the widths before and kept and the
 * distribution of the criterion's scores, a table of the bias-compensation shifts' L2 norms, and
 * the heatmap of what was removed (removal-heatmap.ts).
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { PlanSummary } from '../prune/plan-summary.ts';
import type { Plot } from '../report/plots.ts';
import { removalHeatmap } from './removal-heatmap.ts';

export interface PlanSummaryViews {
  /** kind, layer, before, kept, removed, score_min, score_q1, score_median, score_q3, score_max, score_mean (scores null when the plan dropped them). */
  readonly layers: ColumnTable;
  /** param (the output projection's bias), shift_norm (L2 norm of the compensation added to it); no rows without compensation. */
  readonly compensation: ColumnTable;
  readonly heatmap: Plot;
}

export function planSummaryViews(s: PlanSummary): PlanSummaryViews {
  const rows = [...s.layers].sort((a, b) => a.kind.localeCompare(b.kind) || a.layer - b.layer);
  const score = (k: 'min' | 'q1' | 'median' | 'q3' | 'max' | 'mean') => rows.map((r) => r.scores?.[k] ?? null);
  const layers = aq.table({
    kind: rows.map((r) => r.kind), layer: rows.map((r) => r.layer), before: rows.map((r) => r.before), kept: rows.map((r) => r.after),
    removed: rows.map((r) => r.before - r.after),
    score_min: score('min'), score_q1: score('q1'), score_median: score('median'), score_q3: score('q3'), score_max: score('max'), score_mean: score('mean'),
  });
  const compensation = aq.table({ param: s.compensation.map((c) => c.param), shift_norm: s.compensation.map((c) => c.norm) });
  return { layers, compensation, heatmap: removalHeatmap(s) };
}
