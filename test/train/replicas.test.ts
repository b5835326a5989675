/**
 * Data-parallel replicas (train/replicas.ts): a micro-batch split over the main thread and worker
 * threads gives the loss and gradients of the whole micro-batch computed on one thread (within
 * 1e-5 per target token; only the order of float32 sums differs), training with 2 replicas follows
 * the 1-replica run, and a 2-replica run is deterministic.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, finetune } from '../../kernel-lib/index.ts';
import { lmObjective } from '../../kernel-lib/train/lm-objective.ts';
import { createAdamW } from '../../kernel-lib/train/adamw.ts';
import { normalizeBlock } from '../../kernel-lib/train/block-stream.ts';
import { startReplicas } from '../../kernel-lib/train/replicas.ts';
import { dealGroups, splitSizes } from '../../kernel-lib/train/replica-groups.ts';
import { tinyGpt2, makeBlocks, snapshot, disposeParams } from '../helpers/train-fixtures.ts';

before(async () => { await initBackend({ backend: 'wasm', wasmThreads: 1, quiet: true }); process.env.LAB_QUIET = '1'; });

const tmp = () => mkdtempSync(join(tmpdir(), 'lab-replicas-'));
const hyper = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, noDecay: [] } as const;

test('splitSizes: contiguous parts differing by at most one, larger first, no empty part', () => {
  assert.deepEqual(splitSizes(4, 2), [2, 2]);
  assert.deepEqual(splitSizes(5, 2), [3, 2]);
  assert.deepEqual(splitSizes(7, 3), [3, 2, 2]);
  assert.deepEqual(splitSizes(1, 2), [1]);
  assert.deepEqual(splitSizes(8, 1), [8]);
});

test('dealGroups: largest first into the least loaded group', () => {
  const sizes = new Map([['a', 10], ['b', 7], ['c', 5], ['d', 3], ['e', 1]]);
  // a -> 0 (10); b -> 1 (7); c -> 1 (12); d -> 0 (13); e -> 1 (13)
  assert.deepEqual(dealGroups(sizes, 2), [['a', 'd'], ['b', 'c', 'e']]);
  assert.deepEqual(dealGroups(sizes, 1), [['a', 'b', 'c', 'd', 'e']]);
});

test('2 and 3 replicas give the one-thread loss and gradients within 1e-5 per target token', async () => {
  const model = tinyGpt2(3);
  const blocks = makeBlocks(6, 12).map((b, i) => normalizeBlock(b, `block ${i}`));
  const tokens = blocks.reduce((s, b) => s + b.tokens, 0);
  const run = async (count: number): Promise<{ loss: number; acc: Map<string, Float32Array> }> => {
    const r = startReplicas(model, count, createAdamW(model.params, hyper));
    try {
      r.zeroGrads();
      const loss = await r.addGrads(model, blocks, { training: false, seed: 7 }, lmObjective);
      const sq = await r.reduce();
      let own = 0;
      for (const a of r.acc.values()) for (const x of a) own += x * x;
      assert.ok(Math.abs(sq - own) <= 1e-9 * own, `${count} replicas: reduce() returned ${sq}, the summed gradients' squared norm is ${own}`);
      return { loss, acc: new Map([...r.acc].map(([k, a]) => [k, a.slice()])) };
    } finally { await r.close(); }
  };
  const one = await run(1);
  assert.ok(one.loss > 0 && Number.isFinite(one.loss));
  for (const count of [2, 3]) {
    const many = await run(count);
    assert.ok(Math.abs(many.loss - one.loss) / tokens < 1e-5, `${count} replicas: loss ${many.loss} vs ${one.loss}`);
    let worst = 0, largest = 0;
    for (const [name, a] of one.acc) {
      const b = many.acc.get(name)!;
      for (let i = 0; i < a.length; i++) { worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / tokens); largest = Math.max(largest, Math.abs(a[i]!) / tokens); }
    }
    assert.ok(largest > 1e-3, 'the gradients are not trivially zero');
    assert.ok(worst < 1e-5, `${count} replicas: largest gradient difference per token ${worst}`);
  }
  disposeParams(model);
});

test('finetune on 2 replicas follows the 1-replica run and repeats itself exactly', async () => {
  const data = { train: makeBlocks(16, 12), validation: makeBlocks(4, 12, 61, 99) };
  const cfg = { steps: 4, batchSize: 4, lr: 3e-3, dropout: false, shuffle: false, saveEvery: 0 } as const;
  const train = async (replicas: number) => {
    const model = tinyGpt2(4);
    const { model: tuned, log } = await finetune(model, data, { ...cfg, runDir: tmp() }, { handleSigint: false, replicas });
    const w = snapshot(tuned);
    disposeParams(model); disposeParams(tuned);
    return { w, losses: log.records.map((r) => r.loss!), val: log.finalValLoss! };
  };
  const one = await train(1);
  const two = await train(2);
  const again = await train(2);
  for (const [i, l] of one.losses.entries()) assert.ok(Math.abs(two.losses[i]! - l) < 1e-4 * Math.abs(l), `update ${i + 1}: loss ${two.losses[i]} vs ${l}`);
  assert.ok(Math.abs(two.val - one.val) < 1e-4 * one.val, `validation loss ${two.val} vs ${one.val}`);
  assert.ok(one.losses.at(-1)! < one.losses[0]!, 'training lowers the loss');
  assert.deepEqual(two.losses, again.losses);
  for (const [name, a] of two.w) assert.deepEqual(again.w.get(name), a, `${name} differs between two 2-replica runs`);
});

test('bad replica counts are refused; where replicas cannot help, training says why and uses one', async () => {
  const model = tinyGpt2(5);
  const data = makeBlocks(4, 8);
  await assert.rejects(finetune(model, data, { steps: 1, batchSize: 2, runDir: tmp() }, { handleSigint: false, replicas: 0 }), /finetune replicas=0 is not a replica count: expected an integer >= 1/);
  process.env.LAB_TRAIN_REPLICAS = 'two';
  try {
    await assert.rejects(finetune(model, data, { steps: 1, batchSize: 2, runDir: tmp() }, { handleSigint: false }), /LAB_TRAIN_REPLICAS=two is not a replica count/);
  } finally { delete process.env.LAB_TRAIN_REPLICAS; }
  const lines: string[] = [];
  const orig = console.error;
  const quiet = process.env.LAB_QUIET;
  delete process.env.LAB_QUIET;
  console.error = (...a: unknown[]) => { lines.push(a.join(' ')); };
  try {
    const custom = { ...lmObjective };
    const { model: t1 } = await finetune(model, data, { steps: 1, batchSize: 2, runDir: tmp() }, { handleSigint: false, replicas: 2, objective: custom });
    const { model: t2 } = await finetune(model, data, { steps: 1, batchSize: 1, runDir: tmp() }, { handleSigint: false, replicas: 2 });
    disposeParams(t1); disposeParams(t2);
  } finally { console.error = orig; process.env.LAB_QUIET = quiet; }
  assert.ok(lines.some((l) => /2 training replicas asked for; training on one \(a custom objective runs on the main thread only\)/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /2 training replicas asked for; training on one \(a micro-batch of 1 block cannot be split\)/.test(l)), lines.join('\n'));
  disposeParams(model);
});
