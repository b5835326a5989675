/**
 * The statistics rows and their reader's view: a chance row and a paired-delta row are appended
 * with numeric companions for the CSV, and the Markdown view folds them into "value ± stderr" and
 * "delta [lo, hi] p=.. marker" cells with n in the header (values typed in here by hand).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oursVsPaper } from '../../kernel-lib/index.ts';
import { withUncertaintyRows } from '../../kernel-lib/report/uncertainty-rows.ts';
import { uncertainDisplay } from '../../kernel-lib/report/uncertain-display.ts';
import { tableCsv, tableMarkdown } from '../../kernel-lib/report/table-format.ts';

test('chance and paired rows in the CSV, folded cells in Markdown', () => {
  const t = oursVsPaper([
    { model: 'base', paperRow: 't1.gpt2', scores: { piqa: 0.6 }, stderr: { piqa: 0.0549 }, n: { piqa: 80 } },
    { model: 'ft', paperRow: 't1.gpt2-ft', scores: { piqa: 0.65 }, stderr: { piqa: 0.0536 }, n: { piqa: 80 } },
  ], { tasks: ['piqa'] }).table;
  const full = withUncertaintyRows(t, ['piqa'], {
    chance: { piqa: 0.5 },
    comparisons: [{ label: 'ft - base', cells: { piqa: { delta: 0.05, stderr: 0.03, ciLow: -0.0125, ciHigh: 0.1125, p: 0.1, significant: false, n: 80 } } }],
  });
  assert.deepEqual(full.columnNames(), ['row_kind', 'model', 'paper_row', 'sparsity', 'paper_sparsity', 'params', 'piqa', 'piqa_stderr', 'piqa_n',
    'piqa_ci_low', 'piqa_ci_high', 'piqa_p', 'piqa_p_adjusted', 'piqa_significant', 'piqa_paper', 'piqa_delta', 'suspect']);
  const csv = tableCsv(full).split('\n');
  assert.equal(csv[3], 'chance,chance level (uniform random guess),,,,,0.5,,,,,,,,,,');
  assert.equal(csv[4], 'paired delta,ft - base,,,,,0.05,0.03,80,-0.0125,0.1125,0.1,,no,,,', 'no adjustment applied: an empty p_adjusted cell');
  const view = uncertainDisplay(full);
  assert.deepEqual(view.columnNames(), ['model', 'paper_row', 'sparsity', 'paper_sparsity', 'params', 'piqa (n=80)', 'piqa_paper', 'piqa_delta', 'suspect']);
  assert.deepEqual(view.array('piqa (n=80)'), ['0.6000 ± 0.0549', '0.6500 ± 0.0536', '0.5000', '0.0500 [-0.0125, 0.1125] p=0.100 n.s.']);
  assert.match(tableMarkdown(view), /\| ft - base \|.*0\.0500 \[-0\.0125, 0\.1125\] p=0\.100 n\.s\./);
});

test('unequal n goes into the cells; a missing n column is an error', () => {
  const t = oursVsPaper([
    { model: 'a', paperRow: null, scores: { piqa: 0.5 }, stderr: { piqa: 0.1 }, n: { piqa: 20 } },
    { model: 'b', paperRow: null, scores: { piqa: 0.5 }, stderr: { piqa: 0.2 }, n: { piqa: 5 } },
  ], { tasks: ['piqa'] }).table;
  const view = uncertainDisplay(withUncertaintyRows(t, ['piqa'], { chance: null, comparisons: [] }));
  assert.deepEqual(view.array('piqa'), ['0.5000 ± 0.1000 n=20', '0.5000 ± 0.2000 n=5']);
  assert.throws(() => withUncertaintyRows(t, ['mmlu'], { chance: null, comparisons: [] }), /no mmlu_n column/);
});
