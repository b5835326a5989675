/**
 * The study pipeline end to end in quick mode on a tiny random GPT-2 (real 50257-token vocabulary):
 * every step runs, Tables 1-3 and the perplexity table are written in three formats with ours
 * beside the published numbers, the plots are written without external URLs, and a second run is
 * served from the step cache. Quick-mode numbers are plumbing checks, not results.
 * GPT-2 is pruned three times: one-shot, and iterative at the equal and at the write-up's recovery
 * budget; their recovery tokens are read back from the recovery runs' metric logs. The one-shot cuts
 * (GPT-2 and the OLMo role) are also evaluated before recovery, from a prune step that recovers nothing.
 * The fine-tuned GPT-2 also gets one-shot's recovery training without pruning (the dense control step).
 * Perplexity blocks are drawn across the held-out documents (quick: 4 blocks, one from each of 4 documents).
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
import { initBackend, saveModel, saveTokenizer, getProfile, type Profile, reproduce, gpt2Pruning, olmoPruning } from '../../kernel-lib/index.ts';
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
  // fine-tuned, one-shot before recovery, iterative (write-up budget), iterative (equal budget), one-shot, dense control
  assert.equal(t2.length, 6);
  assert.equal(t2[5]!.model, 'tiny GPT-2 dense control (fine-tuned + one-shot\'s recovery training, not pruned)');
  assert.equal(t2[5]!.paper_row, null);
  assert.equal(t2[5]!.params, t2[0]!.params, 'the dense control keeps every parameter');
  assert.match(String(t2[1]!.model), /^tiny GPT-2 one-shot pruned \(\d+% of heads\+mlp\), before recovery$/);
  assert.match(String(t2[2]!.model), /iterative \(write-up budget: 2 x one-shot\)/);
  assert.match(String(t2[3]!.model), /iterative \(equal budget\)/);
  assert.match(String(t2[4]!.model), /one-shot pruned .*\+ recovered$/);
  // The write-up-budget run stands beside the write-up's iterative row (PIQA 0.5386); the equal-budget run and the
  // before-recovery cut beside none.
  assert.equal(t2[2]!.paper_row, 'Table 2: Pruned + Fine-Tuned GPT-2 (46%)');
  assert.equal(t2[2]!.piqa_paper, 0.5386);
  for (const r of [t2[1]!, t2[3]!]) {
    assert.equal(r.paper_row, null);
    for (const k of ['piqa_paper', 'piqa_delta', 'glue_paper', 'paper_sparsity']) assert.equal(r[k], null, k);
  }
  assert.equal(t2[4]!.paper_row, 'Table 2: Directly Pruned + Fine-Tuned GPT-2');
  // the cut before and after recovery is the same cut: same sparsity and parameter count
  assert.equal(t2[1]!.sparsity, t2[4]!.sparsity);
  assert.equal(t2[1]!.params, t2[4]!.params);
  // every score of ours carries its stderr and n; a chance row; seven paired comparisons with p-values
  for (const r of t2) assert.ok(typeof r.piqa_stderr === 'number' && typeof r.piqa_n === 'number', JSON.stringify(r));
  assert.deepEqual(t2all.filter((r) => r.row_kind === 'chance').map((r) => r.piqa), [0.5]);
  const deltas = t2all.filter((r) => r.row_kind === 'paired delta');
  assert.equal(deltas.length, 8);
  assert.deepEqual(deltas.filter((d) => /^Δ one-shot recovered vs dense control:/.test(String(d.model))).map((d) => d.model),
    [`Δ one-shot recovered vs dense control: ${t2[4]!.model} − ${t2[5]!.model}`]);
  assert.equal(deltas.filter((d) => /^Δ pruned vs fine-tuned:/.test(String(d.model))).length, 3);
  assert.deepEqual(deltas.filter((d) => /^Δ before recovery vs fine-tuned:/.test(String(d.model))).map((d) => d.model),
    [`Δ before recovery vs fine-tuned: ${t2[1]!.model} − ${t2[0]!.model}`]);
  assert.deepEqual(deltas.filter((d) => /^Δ one-shot: recovered vs before recovery:/.test(String(d.model))).map((d) => d.model),
    [`Δ one-shot: recovered vs before recovery: ${t2[4]!.model} − ${t2[1]!.model}`]);
  assert.ok(deltas.some((d) => /^Δ iterative \(write-up budget: 2 x one-shot\) vs one-shot:/.test(String(d.model))), 'write-up budget vs one-shot');
  assert.ok(deltas.some((d) => /^Δ iterative \(equal budget\) vs one-shot:/.test(String(d.model))), 'equal budget vs one-shot');
  for (const d of deltas) assert.ok(typeof d.piqa_p === 'number' && (d.piqa_significant === 'yes' || d.piqa_significant === 'no'));
  assert.match(readFileSync(first.tables[1]!.files.md, 'utf8'), /± \d\.\d{4}/, 'md cells read value ± stderr');
  const ppl = first.tables[2]!.table.objects() as Record<string, unknown>[];
  for (const r of ppl) assert.ok(typeof r.tokens === 'number' && r.tokens > 0, `perplexity row ${r.method} has its token count`);
  for (const r of ppl) assert.deepEqual([r.blocks, r.documents], [4, 4], `perplexity row ${r.method}: 4 blocks from 4 documents`);
  const pplOurs = ppl.filter((r) => r.row_kind === 'ours');
  assert.deepEqual(pplOurs.map((r) => [r.method, r.budget, r.paper_perplexity]),
    [['one-shot', 'none', null], ['one-shot', 'one-shot', 166.41], ['iterative', 'write-up', 121.41], ['iterative', 'equal', null], ['dense control', 'one-shot', null]]);
  assert.equal(pplOurs[0]!.perplexity_delta, null);
  assert.equal(pplOurs[3]!.perplexity_delta, null);
  const ratios = ppl.filter((r) => r.row_kind === 'paired ratio' && typeof r.perplexity_p === 'number').map((r) => String(r.method));
  assert.deepEqual(ratios, ['ratio one-shot before recovery / fine-tuned (before pruning)', 'ratio one-shot / fine-tuned (before pruning)',
    'ratio iterative (write-up budget: 2 x one-shot) / fine-tuned (before pruning)', 'ratio iterative (equal budget) / fine-tuned (before pruning)',
    'ratio iterative (write-up budget: 2 x one-shot) / one-shot', 'ratio iterative (equal budget) / one-shot', 'ratio one-shot / one-shot before recovery',
    'ratio one-shot / dense control (the same recovery training, with and without the cut)']);
  // Recovery budgets, from the recovery runs' logs. Quick profile: 512 tokens = 4 updates of 4 x 32;
  // one-shot recovers once with all of them, iterative (2 steps) 2 + 2 updates at the equal budget, 4 + 4 at the write-up's.
  const g = await gpt2Pruning(profile);
  assert.deepEqual(recoveryRunTokens(g.oneShot.step.dir), [512]);
  assert.deepEqual(recoveryRunTokens(g.iterative.step.dir), [256, 256]);
  assert.deepEqual(recoveryRunTokens(g.iterativeWriteUp.step.dir), [512, 512]);
  assert.deepEqual(g.pruned.map((e) => e.step.result.recoveryTokens), [512, 512, 1024], 'the step results record the same totals');
  for (const r of t2.slice(1, 5)) assert.ok((r.sparsity as number) > 0.3, 'pruned rows carry their sparsity');
  // Dense control: its own step (another key), the same 512 recovery tokens as one-shot, on the unpruned fine-tuned model;
  // its "before" losses are the fine-tuned model's on the prune steps' validation blocks (the same blocks, documents and losses).
  const dc = g.denseControl.step;
  assert.ok(![g.oneShot, g.oneShotBeforeRecovery, ...g.pruned].some((e) => e.step.key === dc.key || e.step.dir === dc.dir), 'a key of its own');
  assert.equal(dc.result.recoveryTokens, 512);
  assert.equal(dc.result.recoverySteps, 4);
  const dcLog = readFileSync(join(dc.dir, 'recover-1', 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
  assert.equal((JSON.parse(dcLog.at(-1)!) as { tokensSeen: number }).tokensSeen, 512, 'its recovery run trained on 512 tokens');
  const ftBlocks = g.oneShot.step.result.blockLosses!.base;
  assert.deepEqual(dc.result.blockLosses.base.map((b) => [b.doc, b.tokens]), ftBlocks.map((b) => [b.doc, b.tokens]));
  dc.result.blockLosses.base.forEach((b, i) => assert.ok(Math.abs(b.nll - ftBlocks[i]!.nll) < 1e-4 * ftBlocks[i]!.nll, `block ${i}: the fine-tuned model's loss`));
  assert.ok(Math.abs(dc.result.perplexity.before - g.oneShot.step.result.log.metricBase!) < 1e-4 * dc.result.perplexity.before);
  assert.equal(pplOurs[4]!.perplexity, dc.result.perplexity.after);
  assert.ok(existsSync(join(dc.result.modelDir, 'config.json')), 'the dense-control model is saved');
  // Before recovery: a prune step of its own (another cache key) that spent no recovery tokens, ran no recovery,
  // measured no latency, and whose model is the recovered one-shot run's cut as it was right after pruning:
  // its held-out perplexity is the one the recovered step logged right after its prune.
  const nb = g.oneShotBeforeRecovery;
  assert.equal(nb.budget, 'none');
  assert.equal(nb.paperRow, null);
  assert.notEqual(nb.step.key, g.oneShot.step.key);
  assert.equal(nb.step.result.recoveryTokens, 0);
  assert.deepEqual(nb.step.result.recoveryCurve, { steps: [], losses: [] });
  assert.deepEqual(recoveryRunTokens(nb.step.dir), []);
  assert.deepEqual(nb.step.result.latencyMs, { before: null, after: null });
  assert.equal(nb.step.result.log.iterations.length, 1);
  assert.equal(nb.step.result.log.iterations[0]!.metricRecovered, null);
  assert.ok(existsSync(join(nb.step.result.modelDir, 'config.json')), 'the before-recovery model is saved');
  assert.equal(nb.step.result.blockLosses?.final.length, g.oneShot.step.result.blockLosses?.final.length);
  assert.ok(Math.abs(nb.step.result.log.iterations[0]!.metricPruned! - g.oneShot.step.result.log.iterations[0]!.metricPruned!) < 1e-6 * g.oneShot.step.result.log.iterations[0]!.metricPruned!,
    'the same cut, measured on the same blocks');
  assert.equal(pplOurs[0]!.perplexity, nb.step.result.log.iterations[0]!.metricPruned);
  // Table 3: fine-tuned, before recovery, recovered; three paired comparisons.
  const o = await olmoPruning(profile);
  const t3all = first.tables[3]!.table.objects() as Record<string, unknown>[];
  const t3 = t3all.filter((r) => r.row_kind === 'ours');
  assert.deepEqual(t3.map((r) => r.model), [o.finetuned.label, o.oneShotBeforeRecovery.label, o.pruned.label]);
  assert.match(String(t3[1]!.model), /^tiny GPT-2 \(OLMo role\) one-shot pruned \(\d+% of mlp\), before recovery$/);
  assert.equal(t3[1]!.paper_row, null);
  assert.equal(t3[1]!.piqa_paper, null);
  assert.equal(t3[2]!.paper_row, 'Table 3: Pruned + Fine-Tuned OLMO-1B (50%)');
  assert.equal(o.oneShotBeforeRecovery.step.result.recoveryTokens, 0);
  assert.deepEqual(t3all.filter((r) => r.row_kind === 'paired delta').map((r) => String(r.model).split(':').slice(0, -1).join(':')),
    ['Δ before recovery vs fine-tuned', 'Δ pruned vs fine-tuned', 'Δ one-shot: recovered vs before recovery']);
  for (const p of Object.values(first.plots)) {
    const html = readFileSync(p.html, 'utf8');
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=["']?https?:/i, `${p.html} loads nothing from outside`);
  }
  const again: string[] = [];
  const t0 = Date.now();
  await reproduce(profile, (l) => again.push(l));
  assert.ok(Date.now() - t0 < 60_000, 'the second run reads every step back');
});
