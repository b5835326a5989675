/**
 * The study pipeline end to end in quick mode on a tiny random GPT-2 (real 50257-token vocabulary):
 * every step runs, Tables 1-3 and the perplexity table are written in three formats with ours
 * beside the published numbers, the plots are written without external URLs, and a second run is
 * served from the step cache. Quick-mode numbers are plumbing checks, not results.
 * GPT-2 is pruned three times: one-shot, and iterative at the equal and at the write-up's recovery
 * budget; their recovery tokens are read back from the recovery runs' metric logs.
 */

/** Target tokens each recovery run of a prune step trained on, from the last record of its metrics.jsonl (in iteration order). */
function recoveryRunTokens(stepDir: string): number[] {
  const runs = readdirSync(join(stepDir, 'prune')).filter((d) => /^recover-\d+$/.test(d)).sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));
  return runs.map((d) => {
    const lines = readFileSync(join(stepDir, 'prune', d, 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
    return (JSON.parse(lines.at(-1)!) as { tokensSeen: number }).tokensSeen;
  });
}
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../kernel-lib/runtime/backend.ts';
import { saveModel } from '../../kernel-lib/model/save-model.ts';
import { saveTokenizer } from '../../kernel-lib/tokenizer/save-tokenizer.ts';
import { getProfile, type Profile } from '../../kernel-lib/experiments/profiles.ts';
import { reproduce } from '../../kernel-lib/experiments/reproduce.ts';
import { gpt2Pruning } from '../../kernel-lib/experiments/study.ts';
import { tinyModel, disposeModel } from '../helpers/tiny-gpt2.ts';

test('quick study: tables and plots from every step, then all cached', { timeout: 600_000 }, async () => {
  await initBackend({ quiet: true });
  const root = mkdtempSync(join(tmpdir(), 'lab-study-'));
  process.env.LAB_RESULTS_DIR = join(root, 'results');
  const { model } = tinyModel({ V: 50257, P: 128, C: 16, L: 2, H: 2 }, 5);
  const dir = join(root, 'tiny');
  await saveModel(model, dir);
  saveTokenizer('gpt2', dir);
  disposeModel(model);
  const base = getProfile('mini', { quick: true });
  const profile: Profile = {
    ...base,
    models: { gpt2: { ...base.models.gpt2, id: dir, label: 'tiny GPT-2' }, olmo: { ...base.models.olmo, id: dir, label: 'tiny GPT-2 (OLMo role)' } },
  };
  const lines: string[] = [];
  const first = await reproduce(profile, (l) => lines.push(l));
  assert.deepEqual(first.tables.map((t) => t.name), ['table1', 'table2', 'table2-perplexity', 'table3']);
  for (const t of first.tables) for (const f of [t.files.csv, t.files.md, t.files.html]) assert.ok(existsSync(f), f);
  const csv1 = readFileSync(first.tables[0]!.files.csv, 'utf8');
  // Published numbers sit beside ours (Table 1, GPT-2 row: PIQA 0.6289), with a delta column.
  assert.match(csv1, /piqa_paper/);
  assert.match(csv1, /0\.6289/);
  assert.match(csv1, /piqa_delta/);
  const md3 = readFileSync(first.tables[3]!.files.md, 'utf8');
  assert.match(md3, /identical/i, 'Table 3 flags the suspect published row');
  const t2all = first.tables[1]!.table.objects() as Record<string, unknown>[];
  const t2 = t2all.filter((r) => r.row_kind === 'ours');
  // fine-tuned, iterative (write-up budget), iterative (equal budget), one-shot
  assert.equal(t2.length, 4);
  assert.match(String(t2[1]!.model), /iterative \(write-up budget: 2 x one-shot\)/);
  assert.match(String(t2[2]!.model), /iterative \(equal budget\)/);
  assert.match(String(t2[3]!.model), /one-shot/);
  // The write-up-budget run stands beside the write-up's iterative row (PIQA 0.5386); the equal-budget run beside none.
  assert.equal(t2[1]!.paper_row, 'Table 2: Pruned + Fine-Tuned GPT-2 (46%)');
  assert.equal(t2[1]!.piqa_paper, 0.5386);
  assert.equal(t2[2]!.paper_row, null);
  for (const k of ['piqa_paper', 'piqa_delta', 'glue_paper', 'paper_sparsity']) assert.equal(t2[2]![k], null, k);
  assert.equal(t2[3]!.paper_row, 'Table 2: Directly Pruned + Fine-Tuned GPT-2');
  // every score of ours carries its stderr and n; a chance row; five paired comparisons with p-values
  for (const r of t2) assert.ok(typeof r.piqa_stderr === 'number' && typeof r.piqa_n === 'number', JSON.stringify(r));
  assert.deepEqual(t2all.filter((r) => r.row_kind === 'chance').map((r) => r.piqa), [0.5]);
  const deltas = t2all.filter((r) => r.row_kind === 'paired delta');
  assert.equal(deltas.length, 5);
  assert.equal(deltas.filter((d) => /^Δ pruned vs fine-tuned:/.test(String(d.model))).length, 3);
  assert.ok(deltas.some((d) => /^Δ iterative \(write-up budget: 2 x one-shot\) vs one-shot:/.test(String(d.model))), 'write-up budget vs one-shot');
  assert.ok(deltas.some((d) => /^Δ iterative \(equal budget\) vs one-shot:/.test(String(d.model))), 'equal budget vs one-shot');
  for (const d of deltas) assert.ok(typeof d.piqa_p === 'number' && (d.piqa_significant === 'yes' || d.piqa_significant === 'no'));
  assert.match(readFileSync(first.tables[1]!.files.md, 'utf8'), /± \d\.\d{4}/, 'md cells read value ± stderr');
  const ppl = first.tables[2]!.table.objects() as Record<string, unknown>[];
  for (const r of ppl) assert.ok(typeof r.tokens === 'number' && r.tokens > 0, `perplexity row ${r.method} has its token count`);
  const pplOurs = ppl.filter((r) => r.row_kind === 'ours');
  assert.deepEqual(pplOurs.map((r) => [r.method, r.budget, r.paper_perplexity]), [['one-shot', 'one-shot', 166.41], ['iterative', 'write-up', 121.41], ['iterative', 'equal', null]]);
  assert.equal(pplOurs[2]!.perplexity_delta, null);
  const ratios = ppl.filter((r) => r.row_kind === 'paired ratio' && typeof r.perplexity_p === 'number').map((r) => String(r.method));
  assert.deepEqual(ratios, ['ratio one-shot / fine-tuned (before pruning)',
    'ratio iterative (write-up budget: 2 x one-shot) / fine-tuned (before pruning)', 'ratio iterative (equal budget) / fine-tuned (before pruning)',
    'ratio iterative (write-up budget: 2 x one-shot) / one-shot', 'ratio iterative (equal budget) / one-shot']);
  // Recovery budgets, from the recovery runs' logs. Quick profile: 512 tokens = 4 updates of 4 x 32;
  // one-shot recovers once with all of them, iterative (2 steps) 2 + 2 updates at the equal budget, 4 + 4 at the write-up's.
  const g = await gpt2Pruning(profile);
  assert.deepEqual(recoveryRunTokens(g.oneShot.step.dir), [512]);
  assert.deepEqual(recoveryRunTokens(g.iterative.step.dir), [256, 256]);
  assert.deepEqual(recoveryRunTokens(g.iterativeWriteUp.step.dir), [512, 512]);
  assert.deepEqual(g.pruned.map((e) => e.step.result.recoveryTokens), [512, 512, 1024], 'the step results record the same totals');
  for (const r of t2.slice(1)) assert.ok((r.sparsity as number) > 0.3, 'pruned rows carry their sparsity');
  for (const p of Object.values(first.plots)) {
    const html = readFileSync(p.html, 'utf8');
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=["']?https?:/i, `${p.html} loads nothing from outside`);
  }
  const again: string[] = [];
  const t0 = Date.now();
  await reproduce(profile, (l) => again.push(l));
  assert.ok(Date.now() - t0 < 60_000, 'the second run reads every step back');
});
