/**
 * The dry run's checks (experiments/dry-run.ts) on machines described by hand: which steps of the
 * paper profile run on a small wasm-only machine and on a large one with tfjs-node, the verdicts'
 * words, the memory figures (step-memory.ts, checked by hand in its own test), and which
 * downloads a hub cache laid out as huggingface_hub does already holds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dryRun, getProfile } from '../../kernel-lib/index.ts';
import type { MachineFacts } from '../../kernel-lib/experiments/machine-facts.ts';

const GB = 1e9;
const CPU_ONLY = { providers: [{ name: 'cpu', available: true, why: 'bundled' }, { name: 'cuda', available: false, why: 'not installed' }] };

function machine(totalBytes: number, tfjs: MachineFacts['tfjs'], ort: MachineFacts['ort'] = CPU_ONLY): MachineFacts {
  return { totalBytes, tfjs, wasmLimitBytes: 4 * 1024 ** 3, ort };
}

function emptyCache(): string {
  return mkdtempSync(join(tmpdir(), 'dry-run-hub-'));
}

test('paper profile on a 16 GB wasm-only machine: evaluation of GPT-2 runs here, training needs tfjs-node, OLMo-1B needs more memory', async () => {
  const plan = await dryRun(getProfile('paper', { quick: false }), { machine: machine(16 * GB, new Set(['wasm'])), hubCacheDir: emptyCache() });
  const v = Object.fromEntries(plan.steps.map((s) => [s.step.split(':')[0], s]));
  const evalGpt2 = v['evaluate GPT-2 (baseline, fine-tuned, pruned) on piqa, openbookqa, mmlu, hellaswag, glue']!;
  assert.equal(evalGpt2.verdict, 'runs here');
  assert.match(evalGpt2.needs, /^ort \(onnxruntime-node, cpu\)/);
  assert.match(evalGpt2.memory, /^3\.1 GB \(weights 498 MB\) of 16\.0 GB/);
  // GPT-2 training at 8 x 1024: 22,537,392,128 B (test/experiments/step-memory.test.ts)
  const ftGpt2 = v['multi-task fine-tuning of GPT-2']!;
  assert.equal(ftGpt2.verdict, 'needs tfjs-node and 22.5 GB of memory');
  assert.match(ftGpt2.memory, /^22\.5 GB \(weights\+grads\+AdamW 2\.0 GB, activations 20\.5 GB\) of 16\.0 GB/);
  assert.equal(v['evaluate OLMo-1B (baseline, fine-tuned, pruned) on piqa, openbookqa, mmlu, hellaswag, glue']!.verdict, 'needs 18.2 GB of memory');
  const olmoPrune = plan.steps.find((s) => s.step.startsWith('OLMo-1B pruning'))!;
  assert.match(olmoPrune.verdict, /^needs tfjs-node and 8\d\.\d GB of memory$/);
  assert.equal(plan.steps.at(-1)!.verdict, 'runs here');
  assert.deepEqual(plan.steps.map((s) => s.runsHere), [true, false, false, false, false, false, true]);
});

test('paper profile on a 256 GB machine with tfjs-node: every step runs here, training on tfjs-node', async () => {
  const plan = await dryRun(getProfile('paper', { quick: false }), { machine: machine(256 * GB, new Set(['node', 'wasm'])), hubCacheDir: emptyCache() });
  assert.ok(plan.steps.every((s) => s.runsHere), JSON.stringify(plan.steps.map((s) => s.verdict)));
  assert.equal(plan.steps.find((s) => s.step.startsWith('multi-task fine-tuning of OLMo-1B'))!.verdict, 'runs here on tfjs-node');
});

test('without onnxruntime-node, a forward step above the wasm heap needs a native engine', async () => {
  const plan = await dryRun(getProfile('paper', { quick: false }), { machine: machine(64 * GB, new Set(['wasm']), { providers: null, reason: 'onnxruntime-node did not load' }), hubCacheDir: emptyCache() });
  const e = plan.steps.find((s) => s.step.startsWith('evaluate OLMo-1B'))!;
  assert.equal(e.verdict, 'needs onnxruntime-node or tfjs-node (18.2 GB is above wasm\'s 4 GiB heap)');
  assert.match(e.needs, /onnxruntime-node does not load here/);
});

test('cached inputs: a model snapshot and some parquet files in the hub cache are reported, the rest not', async () => {
  const cache = emptyCache();
  const gpt2 = join(cache, 'models--gpt2', 'snapshots', 'a'.repeat(40));
  mkdirSync(gpt2, { recursive: true });
  writeFileSync(join(gpt2, 'config.json'), '{}');
  writeFileSync(join(gpt2, 'model.safetensors'), '');
  // a snapshot without weights is not a cached model
  const olmo = join(cache, 'models--allenai--OLMo-1B-hf', 'snapshots', 'b'.repeat(40));
  mkdirSync(olmo, { recursive: true });
  writeFileSync(join(olmo, 'config.json'), '{}');
  // siqa: one of its two files, under the commit its revision's ref names
  const siqa = join(cache, 'datasets--allenai--social_i_qa');
  mkdirSync(join(siqa, 'refs', 'refs', 'convert'), { recursive: true });
  writeFileSync(join(siqa, 'refs', 'refs', 'convert', 'parquet'), 'c'.repeat(40));
  mkdirSync(join(siqa, 'snapshots', 'c'.repeat(40), 'default', 'train'), { recursive: true });
  writeFileSync(join(siqa, 'snapshots', 'c'.repeat(40), 'default', 'train', '0000.parquet'), '');
  // a file under another commit than the ref's does not count
  mkdirSync(join(siqa, 'snapshots', 'd'.repeat(40), 'default', 'validation'), { recursive: true });
  writeFileSync(join(siqa, 'snapshots', 'd'.repeat(40), 'default', 'validation', '0000.parquet'), '');
  const plan = await dryRun(getProfile('paper', { quick: false }), { machine: machine(16 * GB, new Set(['wasm'])), hubCacheDir: cache });
  const d = Object.fromEntries(plan.downloads.map((x) => [x.what, x.cached]));
  assert.equal(d['model GPT-2'], 'yes');
  assert.equal(d['model OLMo-1B'], 'no');
  assert.equal(d['data siqa (fine-tuning)'], '1/2 files');
  assert.equal(d['data piqa (fine-tuning)'], '0/2 files');
  const ft = plan.steps.find((s) => s.step.startsWith('multi-task fine-tuning of GPT-2'))!;
  assert.equal(ft.cached, 'gpt2 cached; siqa 1/2, piqa 0/2, openbookqa 0/3, hotpotqa 0/3, billsum 0/3');
  assert.equal(plan.steps.find((s) => s.step.startsWith('evaluate OLMo-1B'))!.cached, 'allenai/OLMo-1B-hf not cached');
});

test('mini profile: no downloads, every step runs here', async () => {
  const plan = await dryRun(getProfile('mini', { quick: false }), { machine: machine(4 * GB, new Set(['wasm'])), hubCacheDir: emptyCache() });
  assert.deepEqual(plan.downloads, []);
  assert.ok(plan.steps.every((s) => s.runsHere));
  assert.match(plan.steps[0]!.cached, /mini-bpe \(in the project\)/);
});

test('mini profile trains on ONNX Runtime: the training steps say so, and need onnxruntime-node (or --train-engine tfjs) where it does not load', async () => {
  const before = process.env.LAB_TRAIN_ENGINE;
  delete process.env.LAB_TRAIN_ENGINE;
  try {
    const ok = await dryRun(getProfile('mini', { quick: false }), { machine: machine(4 * GB, new Set(['wasm'])), hubCacheDir: emptyCache() });
    const ft = ok.steps.find((s) => s.step.startsWith('multi-task fine-tuning of mini GPT-2'))!;
    assert.match(ft.needs, /^ort training graphs/);
    assert.ok(ft.runsHere);
    const noOrt = await dryRun(getProfile('mini', { quick: false }), { machine: machine(4 * GB, new Set(['wasm']), { providers: null, reason: 'onnxruntime-node did not load' }), hubCacheDir: emptyCache() });
    const training = noOrt.steps.filter((s) => /fine-tuning|pruning/.test(s.step));
    assert.equal(training.length, 4);
    for (const s of training) assert.equal(s.verdict, 'needs onnxruntime-node (or --train-engine tfjs)');
  } finally {
    if (before !== undefined) process.env.LAB_TRAIN_ENGINE = before;
  }
});
