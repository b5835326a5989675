/**
 * Adds the statistics rows to an ours-vs-paper table (docs/statistics.md): a `row_kind` column
 * ('ours' | 'chance' | 'constant answer' | 'paired delta'), a chance-level row, optional
 * constant-answer rows, and one row per ours-vs-ours paired
 * comparison whose task cells hold the delta (A - B), its bootstrap stderr, n, the CI ends, the
 * two-sided p-value, the adjusted p (`<task>_p_adjusted`, empty when no adjustment was applied) and a
 * significant yes/no (the adjusted p < alpha when there is one, else p < alpha). All numbers stay numeric columns, so the
 * CSV can be analysed directly; uncertain-display.ts renders the same table for Markdown / HTML.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { PaperTask } from './paper.ts';

/** A paired comparison's numbers for one task column (stats/paired-bootstrap.ts PairedDelta). */
export interface DeltaCell {
  readonly delta: number;
  readonly stderr: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly p: number;
  /** p after the table's multiple-comparison adjustment (Holm over its family of paired tests), when applied;
   *  `significant` then says adjusted p < alpha. */
  readonly pAdjusted?: number;
  readonly significant: boolean;
  readonly n: number;
}

export interface ComparisonRow {
  readonly label: string;                                         // e.g. 'fine-tuned - base (mini GPT-2)'
  readonly cells: Readonly<Partial<Record<PaperTask, DeltaCell | null>>>;
}

/** A constant-answer baseline: the score of answering every document with one choice position. */
export interface ConstantRow {
  readonly label: string;                                         // e.g. 'always choice 2 (B, "yes")'
  readonly cells: Readonly<Partial<Record<PaperTask, number | null>>>;
}

export interface UncertaintyRows {
  readonly chance: Readonly<Partial<Record<PaperTask, number | null>>> | null;
  /** Constant-answer rows (row_kind 'constant answer'), after the chance row. */
  readonly constants?: readonly ConstantRow[];
  readonly comparisons: readonly ComparisonRow[];
}

export function withUncertaintyRows(table: ColumnTable, tasks: readonly PaperTask[], extra: UncertaintyRows): ColumnTable {
  const have = table.columnNames();
  for (const t of tasks) if (!have.includes(`${t}_n`)) throw new Error(`withUncertaintyRows: the table has no ${t}_n column (build it with oursVsPaper)`);
  const inserted = new Set(tasks.map((t) => `${t}_n`));
  const names = ['row_kind', ...have.flatMap((n) => (inserted.has(n) ? [n, ...['ci_low', 'ci_high', 'p', 'p_adjusted', 'significant'].map((s) => `${n.slice(0, -2)}_${s}`)] : [n]))];
  const rows: Record<string, unknown>[] = (table.objects() as Record<string, unknown>[]).map((r) => ({ ...r, row_kind: 'ours' }));
  if (extra.chance) {
    const r: Record<string, unknown> = { row_kind: 'chance', model: 'chance level (uniform random guess)' };
    for (const t of tasks) r[t] = extra.chance[t] ?? null;
    rows.push(r);
  }
  for (const c of extra.constants ?? []) {
    const r: Record<string, unknown> = { row_kind: 'constant answer', model: c.label };
    for (const t of tasks) r[t] = c.cells[t] ?? null;
    rows.push(r);
  }
  for (const c of extra.comparisons) {
    const r: Record<string, unknown> = { row_kind: 'paired delta', model: c.label };
    for (const t of tasks) {
      const d = c.cells[t];
      if (!d) continue;
      Object.assign(r, {
        [t]: d.delta, [`${t}_stderr`]: d.stderr, [`${t}_n`]: d.n, [`${t}_ci_low`]: d.ciLow, [`${t}_ci_high`]: d.ciHigh,
        [`${t}_p`]: d.p, [`${t}_p_adjusted`]: d.pAdjusted ?? null, [`${t}_significant`]: d.significant ? 'yes' : 'no',
      });
    }
    rows.push(r);
  }
  const cols: Record<string, unknown[]> = {};
  for (const n of names) cols[n] = rows.map((r) => r[n] ?? null);
  return aq.table(cols);
}
