import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oursVsPaper, paperTable } from '../../kernel-lib/index.ts';
import { oursVsPaperPerplexity } from '../../kernel-lib/report/ours-vs-paper.ts';

test('ours vs paper: value, published value and hand-computed delta per task', () => {
  const r = oursVsPaper([
    { model: 'gpt2-mini', paperRow: 't1.gpt2', scores: { piqa: 0.6, mmlu: 0.25 }, params: 1000 },
    { model: 'olmo pruned', paperRow: 't3.olmo-pruned', scores: { piqa: 0.5 }, sparsity: 0.5 },
    { model: 'extra', paperRow: null, scores: { piqa: 0.55 } },
  ], { tasks: ['piqa', 'mmlu'], profile: 'mini', models: 'models/mini' });
  assert.deepEqual(r.table.columnNames(), ['model', 'paper_row', 'sparsity', 'paper_sparsity', 'params',
    'piqa', 'piqa_stderr', 'piqa_n', 'piqa_paper', 'piqa_delta', 'mmlu', 'mmlu_stderr', 'mmlu_n', 'mmlu_paper', 'mmlu_delta', 'suspect']);
  const rows = r.table.objects() as Record<string, unknown>[];
  // 0.6 - 0.6289 = -0.0289; 0.25 - 0.2292 = 0.0208; 0.5 - 0.5386 = -0.0386 (Table 3 pruned row)
  assert.deepEqual(rows[0], { model: 'gpt2-mini', paper_row: 'Table 1: GPT-2', sparsity: null, paper_sparsity: null, params: 1000,
    piqa: 0.6, piqa_stderr: null, piqa_n: null, piqa_paper: 0.6289, piqa_delta: -0.0289, mmlu: 0.25, mmlu_stderr: null, mmlu_n: null, mmlu_paper: 0.2292, mmlu_delta: 0.0208, suspect: null });
  assert.deepEqual([rows[1]!.piqa_delta, rows[1]!.mmlu, rows[1]!.mmlu_delta, rows[1]!.paper_sparsity, rows[1]!.suspect], [-0.0386, null, null, 0.5, 'yes']);
  assert.deepEqual([rows[2]!.paper_row, rows[2]!.piqa_paper, rows[2]!.piqa_delta], [null, null, null]);
  assert.match(r.provenance, /profile 'mini', models: models\/mini; paper: the write-up's Tables 1-3/);
  assert.ok(r.notes.some((n) => /identical digit for digit/.test(n)));
  assert.throws(() => oursVsPaper([{ model: 'x', paperRow: 'nope', scores: {} }]), /no row 'nope'/);
});

test('paperTable reprints a published table; perplexity deltas by hand', () => {
  const t3 = paperTable('Table 3').objects() as Record<string, unknown>[];
  assert.deepEqual(t3[1], { Model: 'Pruned + Fine-Tuned OLMO-1B (50%)', sparsity: 0.5, PIQA: 0.5386, OpenBookQA: 0.158, MMLU: 0.2312,
    HellaSwag: 0.266, GLUE: 0.528, suspect: 'yes' });
  assert.equal(paperTable('Table 1').numRows(), 4);
  const p = oursVsPaperPerplexity([{ method: 'one-shot', model: 'mini', sparsity: 0.3, perplexity: 200 },
    { method: 'iterative', model: 'mini', sparsity: 0.3, perplexity: 100.5 }]).objects() as Record<string, unknown>[];
  // 200 - 166.41 = 33.59; 100.5 - 121.41 = -20.91
  assert.deepEqual(p.map((r) => [r.paper_sparsity, r.paper_perplexity, r.perplexity_delta]), [[0.47, 166.41, 33.59], [0.46, 121.41, -20.91]]);
});

test('a perplexity row with no published counterpart has empty paper cells; a bad paperMethod is named', () => {
  const p = oursVsPaperPerplexity([{ method: 'iterative', paperMethod: null, model: 'equal budget', sparsity: 0.3, perplexity: 150 },
    { method: 'iterative', paperMethod: 'iterative', model: 'write-up budget', sparsity: 0.3, perplexity: 130 }]).objects() as Record<string, unknown>[];
  // 130 - 121.41 = 8.59
  assert.deepEqual(p.map((r) => [r.method, r.paper_sparsity, r.paper_perplexity, r.perplexity_delta]), [['iterative', null, null, null], ['iterative', 0.46, 121.41, 8.59]]);
  assert.throws(() => oursVsPaperPerplexity([{ method: 'iterative', paperMethod: 'gradual' as never, model: 'x', sparsity: 0.3, perplexity: 1 }]), /paperMethod must be one-shot or iterative, got 'gradual'/);
  assert.throws(() => oursVsPaperPerplexity([{ method: 'gradual' as never, paperMethod: null, model: 'x', sparsity: 0.3, perplexity: 1 }]), /method must be one-shot or iterative, got 'gradual'/);
  const d = oursVsPaperPerplexity([{ method: 'dense control', paperMethod: null, model: 'dense', sparsity: 0, perplexity: 90, documents: 37 }]).objects() as Record<string, unknown>[];
  assert.deepEqual(d.map((r) => [r.method, r.paper_perplexity, r.perplexity_delta, r.documents]), [['dense control', null, null, 37]]);
  assert.throws(() => oursVsPaperPerplexity([{ method: 'dense control', model: 'x', sparsity: 0, perplexity: 1 }]), /the dense control has no published point/);
});
