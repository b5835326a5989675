import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, finetune } from '../../kernel-lib/index.ts';
import { lmObjective } from '../../kernel-lib/train/lm-objective.ts';
import { tinyGpt2, makeBlocks, snapshot, spyObjective, disposeParams } from '../helpers/train-fixtures.ts';

before(async () => { await initBackend({ quiet: true }); process.env.LAB_QUIET = '1'; });

const tmp = () => mkdtempSync(join(tmpdir(), 'lab-ft-'));
const quiet = { handleSigint: false } as const;

test('bad configs fail before any compute, naming the key', async () => {
  const model = tinyGpt2();
  const spy = spyObjective(lmObjective);
  const blocks = makeBlocks(4);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ lr: -1e-3 }, /TrainConfig\.lr/],
    [{ accumulation: 0 }, /TrainConfig\.accumulation/],
    [{ schedule: 'triangular' }, /TrainConfig\.schedule.*constant, linear, cosine/],
    [{ batchSize: 1.5 }, /TrainConfig\.batchSize/],
    [{ learningRate: 1 }, /TrainConfig\.learningRate: unknown key/],
  ];
  for (const [cfg, re] of cases) await assert.rejects(finetune(model, blocks, { ...cfg, runDir: tmp() }, { ...quiet, objective: spy }), re);
  const noTargets = blocks.map((b) => ({ ids: b.ids, mask: new Uint8Array(8) }));
  await assert.rejects(finetune(model, noTargets, { runDir: tmp() }, { ...quiet, objective: spy }), /data\.train: zero target tokens/);
  await assert.rejects(finetune(model, { train: blocks, validation: [] }, { runDir: tmp() }, { ...quiet, objective: spy }), /data\.validation: no blocks/);
  assert.equal(spy.calls, 0);
  disposeParams(model);
});

test('training lowers the validation loss, returns a new model and leaves the input untouched', async () => {
  const model = tinyGpt2();
  const before = snapshot(model);
  const dir = tmp();
  const { model: tuned, log } = await finetune(model, { train: makeBlocks(24), validation: makeBlocks(6, 8, 61, 99) },
    { steps: 21, batchSize: 4, lr: 1e-2, schedule: 'cosine', warmupSteps: 3, evalEvery: 7, runDir: dir, seed: 3 }, quiet);
  assert.deepEqual(snapshot(model), before, 'input model unchanged');
  assert.notEqual(tuned.params, model.params);
  const evals = log.records.filter((r) => r.valLoss !== undefined);
  assert.equal(evals.length, 3);
  assert.ok(evals[2]!.valLoss! < evals[0]!.valLoss! && evals[0]!.valLoss! < Math.log(61), `val ${evals.map((r) => r.valLoss)}`);
  assert.equal(log.stepsDone, 21);
  const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 21);
  assert.equal(lines[6].valPerplexity, Math.exp(lines[6].valLoss));
  const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
  assert.equal(run.config.lr, 1e-2);
  assert.equal(run.status, 'done');
  assert.equal(run.provenance.seed, 3);
  assert.match(run.provenance.gitRevision, /^[0-9a-f]{40}|unknown/);
  assert.equal(existsSync(join(dir, 'checkpoint')), false, 'saveEvery 0: no checkpoint');
  disposeParams(model); disposeParams(tuned);
});

test('gradient accumulation weights micro-batches by target tokens: 1x4 = 2x2 = 4x1', async () => {
  // Blocks have 8, 7 and 6 target tokens (mask zeros), so unweighted averaging of micro-batch means would differ.
  const blocks = makeBlocks(8);
  const run = async (batchSize: number, accumulation: number) => {
    const model = tinyGpt2(2);
    const { model: m } = await finetune(model, blocks, { steps: 2, batchSize, accumulation, lr: 1e-2, dropout: false, shuffle: false, maxGradNorm: 0, runDir: tmp() }, quiet);
    const s = snapshot(m); disposeParams(model); disposeParams(m); return s;
  };
  const a = await run(4, 1), b = await run(2, 2), c = await run(1, 4);
  let maxDiff = 0;
  for (const [k, v] of a) for (const other of [b, c]) for (let i = 0; i < v.length; i++) maxDiff = Math.max(maxDiff, Math.abs(v[i]! - other.get(k)![i]!));
  // Adam moves every weight by ~lr = 1e-2 per update; float32 summation order perturbs tiny gradients,
  // which Adam's normalisation amplifies to ~2e-6 by update 2 (measured). Weighting micro-batch MEANS
  // equally instead would change the gradient by several % and the update 2 weights by far more.
  assert.ok(maxDiff < 1e-5, `max |diff| ${maxDiff}`);
});

test('leak test: tf.memory().numTensors is identical after update 10 and update 100', async () => {
  const model = tinyGpt2();
  const counts = new Map<number, number>();
  const { model: m } = await finetune(model, { train: makeBlocks(16), validation: makeBlocks(2, 8, 61, 9) },
    { steps: 100, batchSize: 1, accumulation: 1, evalEvery: 50, runDir: tmp() },
    { ...quiet, onRecord: (r) => { if (r.step === 10 || r.step === 100) counts.set(r.step, tf.memory().numTensors); } });
  assert.equal(counts.get(10), counts.get(100));
  disposeParams(model); disposeParams(m);
});

test('early stopping after `patience` evaluations without improvement', async () => {
  const model = tinyGpt2();
  const { model: m, log } = await finetune(model, { train: makeBlocks(8), validation: makeBlocks(2) },
    { steps: 50, batchSize: 2, evalEvery: 2, earlyStoppingPatience: 2, earlyStoppingMinDelta: 100, runDir: tmp() }, quiet);
  // first evaluation (step 2) sets the best; steps 4 and 6 cannot improve by 100 -> stop at 6
  assert.equal(log.stoppedBy, 'early-stopping');
  assert.equal(log.stepsDone, 6);
  assert.equal(log.bestStep, 2);
  disposeParams(model); disposeParams(m);
});

test('abort at update k, then resume: bit-identical to an uninterrupted run (dropout on, shuffled, accumulation)', async () => {
  const cfg = { steps: 12, batchSize: 2, accumulation: 2, lr: 5e-3, warmupSteps: 2, saveEvery: 5, seed: 11 } as const;
  const data = { train: makeBlocks(10), validation: makeBlocks(3) };
  const ref = tinyGpt2();
  const { model: full } = await finetune(ref, data, { ...cfg, runDir: tmp() }, quiet);
  const want = snapshot(full);
  const dir = tmp();
  const ctl = new AbortController();
  const base = tinyGpt2();
  const first = await finetune(base, data, { ...cfg, runDir: dir }, { ...quiet, signal: ctl.signal, onRecord: (r) => { if (r.step === 7) ctl.abort(); } });
  assert.equal(first.log.stoppedBy, 'interrupt');
  assert.equal(first.log.stepsDone, 7);
  const second = await finetune(base, data, { ...cfg, runDir: dir, resume: true }, quiet);
  assert.equal(second.log.stepsDone, 12);
  assert.deepEqual(snapshot(second.model), want);
  const steps = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step);
  assert.deepEqual(steps, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  for (const m of [ref, full, base, first.model, second.model]) disposeParams(m);
});
