/**
 * The training loop over a caller's engine (FinetuneOptions.engine): the loop drives it in the
 * order training-engine.ts states (zero, one addGrads per micro-batch, the norm, one update; the
 * state read at each checkpoint; closed once), and an engine assembled from the host pieces
 * (gradients summed into Float32Arrays by addBatchGrads, then adamwStep and writeWeights: the
 * shape an engine with gradients from elsewhere takes) trains exactly as the built-in host engine.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, finetune } from '../../kernel-lib/index.ts';
import { adamwStep, writeWeights } from '../../kernel-lib/train/adamw.ts';
import { addBatchGrads, packBlocks } from '../../kernel-lib/train/batch-tensors.ts';
import { modelFromState, type StartEngine } from '../../kernel-lib/train/training-engine.ts';
import { tinyGpt2, makeBlocks, snapshot, disposeParams } from '../helpers/train-fixtures.ts';

before(async () => { await initBackend({ backend: 'wasm', wasmThreads: 1, quiet: true }); process.env.LAB_QUIET = '1'; });

const tmp = () => mkdtempSync(join(tmpdir(), 'lab-engine-'));

/** Host arrays + host AdamW, written against the interface only; `calls` records what the loop asked. */
function arrayEngine(calls: string[]): StartEngine {
  return (start) => {
    const model = modelFromState(start);
    const sums = new Map([...start.state.slots].map(([name, s]) => [name, new Float32Array(s.w.length)]));
    return {
      model,
      zeroGrads() { calls.push('zero'); for (const a of sums.values()) a.fill(0); },
      async addGrads(blocks, opts) { calls.push(`add ${blocks.length}`); return addBatchGrads(model, packBlocks(blocks), opts, start.objective, sums); },
      async squaredNorm() {
        calls.push('norm');
        let sq = 0;
        for (const a of sums.values()) for (const x of a) sq += x * x;
        return sq;
      },
      async update(lr, gradScale) { calls.push('update'); adamwStep(start.state, sums, lr, gradScale); writeWeights(start.state, model.params); },
      hostState() { calls.push('state'); return start.state; },
      async close() { calls.push('close'); },
    };
  };
}

test('a caller engine is driven in the stated order and trains as the built-in host engine, bit for bit', async () => {
  const data = { train: makeBlocks(12), validation: makeBlocks(3, 8, 61, 9) };
  // maxGradNorm 0.05: clipping is active in every update (the tiny model's token-mean gradient norm is ~1).
  const cfg = { steps: 3, batchSize: 3, accumulation: 2, lr: 1e-2, maxGradNorm: 0.05, saveEvery: 2, evalEvery: 0, seed: 4 } as const;
  const calls: string[] = [];
  const base = tinyGpt2(6);
  const own = await finetune(base, data, { ...cfg, runDir: tmp() }, { handleSigint: false, engine: arrayEngine(calls) });
  const host = await finetune(base, data, { ...cfg, runDir: tmp() }, { handleSigint: false, optimizer: 'host', replicas: 1 });
  const update = ['zero', 'add 3', 'add 3', 'norm', 'update'];
  // checkpoints after update 2 (saveEvery) and after the last
  assert.deepEqual(calls, [...update, ...update, 'state', ...update, 'state', 'close']);
  assert.ok(own.log.records.every((r) => r.gradNorm > 0.05), `clipping active: norms ${own.log.records.map((r) => r.gradNorm)}`);
  assert.deepEqual(own.log.records.map((r) => [r.loss, r.gradNorm]), host.log.records.map((r) => [r.loss, r.gradNorm]));
  const a = snapshot(own.model), b = snapshot(host.model);
  for (const [name, w] of a) assert.deepEqual(w, b.get(name), `${name} differs from the host engine's`);
  assert.notDeepEqual(a, snapshot(base), 'training moved the weights');
  disposeParams(base); disposeParams(own.model); disposeParams(host.model);
});
