/**
 * evaluate() end to end on a tiny random GPT-2 with the real GPT-2 vocabulary: lm-eval's result
 * shape, batch 1 vs 16 agreement, repeated runs identical (through the request cache and
 * without it), the mmlu micro-average against a hand sum over the logged samples, bad data.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, loadTokenizer, evaluate, formatResultsTable, type EvalResult, type SampleLog } from '../../kernel-lib/index.ts';
import { tinyModel } from '../helpers/tiny-gpt2.ts';
import { writeFixtureData } from './fixture-data.ts';

before(async () => { await initBackend(); });

const tok = loadTokenizer('gpt2');
const TASKS = ['piqa', 'mmlu', 'wikitext'];

function allLls(r: EvalResult): number[] {
  return Object.keys(r.samples!).sort().flatMap((t) => r.samples![t]!.flatMap((s: SampleLog) =>
    (s.filtered_resps as unknown[]).map((x) => (Array.isArray(x) ? x[0] as number : x as number))));
}

test('evaluate: result shape, batch 1 vs 16, cached repeat identical, mmlu micro-average', async () => {
  const { model } = tinyModel({ V: 50257, P: 32, C: 8, L: 1, H: 2 }, 11);
  const dataDir = writeFixtureData();
  const cacheDir = mkdtempSync(join(tmpdir(), 'evalcache-'));
  const cfg = { dataDir, logSamples: true, quiet: true, bootstrapIters: 0 };
  const n0 = tf.memory().numTensors;
  const r1 = await evaluate(model, tok, TASKS, { ...cfg, batchSize: 1, cacheDir });
  assert.equal(tf.memory().numTensors, n0, 'no tensor leak');
  const r16 = await evaluate(model, tok, TASKS, { ...cfg, batchSize: 16, cacheDir: null });
  const a = allLls(r1), b = allLls(r16);
  assert.equal(a.length, 3 * 2 + 57 * 2 * 4 + 2);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) < 1e-5, `loglikelihood ${i}: ${x} vs ${b[i]}`));
  // repeat through the cache: identical, and nothing else written
  const segs = readdirSync(join(cacheDir, readdirSync(cacheDir)[0]!)).length;
  const r1b = await evaluate(model, tok, TASKS, { ...cfg, batchSize: 1, cacheDir });
  const untimed = (r: EvalResult): Partial<EvalResult> => { const { date: _d, start_time: _s, end_time: _e, total_evaluation_time_seconds: _t, ...rest } = r; return rest; };
  assert.deepEqual(untimed(r1b), untimed(r1));   // identical but for the run's own date and timing keys
  assert.equal(readdirSync(join(cacheDir, readdirSync(cacheDir)[0]!)).length, segs);
  // lm-eval shape
  assert.equal(typeof r1.results['piqa']!['acc,none'], 'number');
  assert.equal(typeof r1.results['piqa']!['acc_norm_stderr,none'], 'number');
  assert.equal(r1.results['wikitext']!['word_perplexity_stderr,none'], 'N/A');
  assert.deepEqual(r1['n-samples']['piqa'], { original: 3, effective: 3 });
  assert.equal(r1.versions['piqa'], 1);   // lm-eval writes the YAML float 1.0: a JSON number
  assert.equal(r1.config['lm_eval_version'], '0.4.9.1');
  assert.equal(r1.group_subtasks['mmlu']!.length, 4);
  // mmlu = micro-average: correct answers over all 114 questions, by hand from the samples
  let correct = 0, n = 0;
  for (const [t, ss] of Object.entries(r1.samples!)) if (t.startsWith('mmlu_')) for (const s of ss) { correct += s['acc'] as number; n++; }
  assert.equal(n, 114);
  assert.ok(Math.abs((r1.results['mmlu']!['acc,none'] as number) - correct / n) < 1e-12);
  // the rolling perplexities follow from the per-document pairs
  const w = r1.samples!['wikitext']!;
  const ll = w.reduce((s, x) => s + (x['word_perplexity'] as [number, number])[0], 0);
  const words = w.reduce((s, x) => s + (x['word_perplexity'] as [number, number])[1], 0);
  assert.ok(Math.abs((r1.results['wikitext']!['word_perplexity,none'] as number) - Math.exp(-ll / words)) < 1e-9);
  const table = formatResultsTable(r1);
  assert.match(table, /\|piqa +\|1\.0 +\|none +\|0 +\|acc +\|↑/);
  assert.match(table, /\| - stem/);
  // --limit takes the first N documents
  const lim = await evaluate(model, tok, ['piqa'], { ...cfg, limit: 2, cacheDir });
  assert.deepEqual(lim['n-samples']['piqa'], { original: 3, effective: 2 });
  assert.deepEqual(lim.samples!['piqa'], r1.samples!['piqa']!.slice(0, 2));
  for (const v of model.params.values()) v.dispose();
});

test('bad data fails naming file and row and writes nothing to the cache', async () => {
  const { model } = tinyModel({ V: 50257, P: 16, C: 8, L: 1, H: 2 }, 12);
  const dataDir = writeFixtureData();
  writeFileSync(join(dataDir, 'piqa/valid-labels.lst'), '0\n1\n7\n');
  const cacheDir = mkdtempSync(join(tmpdir(), 'evalcache-'));
  await assert.rejects(evaluate(model, tok, ['piqa'], { dataDir, cacheDir, quiet: true }), /valid-labels\.lst: row 3: label out of range: 7/);
  assert.ok(!existsSync(cacheDir) || readdirSync(cacheDir).length === 0);
  for (const v of model.params.values()) v.dispose();
});

test('evaluate on the real files: every available task flows end to end (limit 2)', { skip: process.env.LAB_REAL_DATA ? false : 'LAB_REAL_DATA unset: needs the real benchmark files' }, async () => {
  const { model } = tinyModel({ V: 50257, P: 64, C: 8, L: 1, H: 2 }, 13);
  const tasks = ['piqa', 'hellaswag', 'mmlu', 'cola', 'mrpc', 'rte', 'wikitext'];
  const r = await evaluate(model, tok, tasks, { dataDir: process.env.LAB_REAL_DATA!, limit: 2, batchSize: 16, cacheDir: null, quiet: true, bootstrapIters: 1000 });
  assert.deepEqual(r['n-samples']['piqa'], { original: 1838, effective: 2 });
  assert.deepEqual(r['n-samples']['wikitext'], { original: 62, effective: 2 });
  assert.equal(r['n-samples']['mmlu_abstract_algebra']!.effective, 2);
  for (const t of ['piqa', 'hellaswag', 'mmlu', 'mmlu_stem', 'rte']) assert.equal(typeof r.results[t]!['acc,none'], 'number', t);
  assert.equal(typeof r.results['cola']!['mcc,none'], 'number');
  assert.equal(typeof r.results['mrpc']!['f1,none'], 'number');
  const wp = r.results['wikitext']!['word_perplexity,none'] as number;
  assert.ok(wp > 1 && Number.isFinite(wp));
  for (const v of model.params.values()) v.dispose();
});
