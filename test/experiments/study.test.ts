/**
 * The study pipeline end to end in quick mode on a tiny random GPT-2 (real 50257-token vocabulary):
 * every step runs, Tables 1-3 and the perplexity table are written in three formats with ours
 * beside the published numbers, the plots are written without external URLs, and a second run is
 * served from the step cache. Quick-mode numbers are plumbing checks, not results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../kernel-lib/runtime/backend.ts';
import { saveModel } from '../../kernel-lib/model/save-model.ts';
import { saveTokenizer } from '../../kernel-lib/tokenizer/save-tokenizer.ts';
import { getProfile, type Profile } from '../../kernel-lib/experiments/profiles.ts';
import { reproduce } from '../../kernel-lib/experiments/reproduce.ts';
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
  assert.equal(t2.length, 3);
  // every score of ours carries its stderr and n; a chance row; three paired comparisons with p-values
  for (const r of t2) assert.ok(typeof r.piqa_stderr === 'number' && typeof r.piqa_n === 'number', JSON.stringify(r));
  assert.deepEqual(t2all.filter((r) => r.row_kind === 'chance').map((r) => r.piqa), [0.5]);
  const deltas = t2all.filter((r) => r.row_kind === 'paired delta');
  assert.equal(deltas.length, 3);
  for (const d of deltas) assert.ok(typeof d.piqa_p === 'number' && (d.piqa_significant === 'yes' || d.piqa_significant === 'no'));
  assert.match(readFileSync(first.tables[1]!.files.md, 'utf8'), /± \d\.\d{4}/, 'md cells read value ± stderr');
  const ppl = first.tables[2]!.table.objects() as Record<string, unknown>[];
  for (const r of ppl) assert.ok(typeof r.tokens === 'number' && r.tokens > 0, `perplexity row ${r.method} has its token count`);
  assert.equal(ppl.filter((r) => r.row_kind === 'paired ratio' && typeof r.perplexity_p === 'number').length, 3);
  assert.ok((t2[1]!.sparsity as number) > 0.3, 'pruned rows carry their sparsity');
  for (const p of Object.values(first.plots)) {
    const html = readFileSync(p.html, 'utf8');
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=["']?https?:/i, `${p.html} loads nothing from outside`);
  }
  const again: string[] = [];
  const t0 = Date.now();
  await reproduce(profile, (l) => again.push(l));
  assert.ok(Date.now() - t0 < 60_000, 'the second run reads every step back');
});
