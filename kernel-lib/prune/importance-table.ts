/** Importance scores of a plan as a table: one row per unit (layer, unit, score, rank in its layer, kept). */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { PruningPlan, UnitKind } from './pruning-plan.ts';

/** Rows (layer, unit, score, rank, kept) for every unit of `kind`; rank 1 = most important in its layer. */
export function importanceTable(plan: PruningPlan, kind: UnitKind): ColumnTable {
  const rows: { layer: number; unit: number; score: number; rank: number; kept: boolean }[] = [];
  for (const g of plan.groups.filter((x) => x.kind === kind)) {
    const keep = new Set(g.keep);
    const order = g.scores.map((s, u) => ({ s, u })).sort((a, b) => b.s - a.s || a.u - b.u);
    const rank = new Map(order.map((o, i) => [o.u, i + 1]));
    g.scores.forEach((score, unit) => rows.push({ layer: g.layer, unit, score, rank: rank.get(unit)!, kept: keep.has(unit) }));
  }
  if (!rows.length) throw new Error(`importanceTable: the plan has no scored '${kind}' units`);
  return aq.from(rows);
}
