/**
 * Holm over a table's paired tests: every delta row x task cell is one family. Hand-worked: cells
 * p = 0.01 (row A piqa), 0.04 (row A mmlu), 0.03 (row B piqa), with m = 3 -> 0.03, 0.06, 0.06; so row
 * A's piqa stays significant, the others do not, although each raw p < 0.05. The CSV and the display
 * carry raw and adjusted p.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { holmFamily } from '../../kernel-lib/experiments/study-uncertainty.ts';
import { withUncertaintyRows, type DeltaCell } from '../../kernel-lib/report/uncertainty-rows.ts';
import { uncertainDisplay } from '../../kernel-lib/report/uncertain-display.ts';

const cell = (p: number): DeltaCell => ({ delta: 0.05, stderr: 0.02, ciLow: 0.01, ciHigh: 0.09, p, significant: p < 0.05, n: 100 });

test('holmFamily adjusts across rows and columns of one table, and significance follows the adjusted p', () => {
  const rows = holmFamily([
    { label: 'A', cells: { piqa: cell(0.01), mmlu: cell(0.04) } },
    { label: 'B', cells: { piqa: cell(0.03), mmlu: null } },
  ]);
  const a = rows[0]!.cells, b = rows[1]!.cells;
  assert.ok(Math.abs(a.piqa!.pAdjusted! - 0.03) < 1e-12 && a.piqa!.significant);
  assert.ok(Math.abs(a.mmlu!.pAdjusted! - 0.06) < 1e-12 && !a.mmlu!.significant);
  assert.ok(Math.abs(b.piqa!.pAdjusted! - 0.06) < 1e-12 && !b.piqa!.significant);
  assert.equal(b.mmlu, null);
  assert.equal(a.mmlu!.p, 0.04, 'the raw p is kept');

  const base = aq.table({ model: ['m'], piqa: [0.7], piqa_stderr: [0.02], piqa_n: [100], mmlu: [0.4], mmlu_stderr: [0.02], mmlu_n: [100] });
  const t = withUncertaintyRows(base, ['piqa', 'mmlu'], { chance: null, comparisons: rows });
  const r = t.objects()[1] as Record<string, unknown>;
  assert.equal(r.mmlu_p, 0.04);
  assert.ok(Math.abs((r.mmlu_p_adjusted as number) - 0.06) < 1e-12);
  assert.equal(r.mmlu_significant, 'no');
  const shown = (uncertainDisplay(t).objects()[1] as Record<string, string>)['mmlu (n=100)']!;
  assert.match(shown, /p=0\.040 \(Holm p=0\.060\) n\.s\./);
});
