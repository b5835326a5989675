import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, logits, type LanguageModel, prune, type PruneLog, countParameters } from '../../kernel-lib/index.ts';
import { tinyGpt2, disposeModel, tinyIds } from './tiny-gpt2.ts';

before(async () => { await initBackend(); });

/** A deterministic stand-in for recovery fine-tuning: scales every 2-D weight by 0.99 (new variables). */
async function shrink(m: LanguageModel): Promise<LanguageModel> {
  const params = new Map([...m.params].map(([n, v]) => [n, tf.variable(tf.tidy(() => (v.rank === 2 ? tf.mul(v, 0.99) : tf.clone(v))))] as const));
  return { ...m, params };
}

const config = { target: 0.5, of: 'pruned' as const, groups: ['mlp' as const], criterion: 'magnitude-l2', schedule: 'iterative' as const, iterations: 3 };

test('iterative prune follows the cubic schedule relative to the original counts, input untouched', async () => {
  const m = tinyGpt2(13);
  const n0 = countParameters(m).total;
  const evaluated: number[] = [];
  const { model, log } = await prune(m, config, { recover: shrink, evaluate: async (x) => { evaluated.push(countParameters(x).total); return evaluated.length; } });
  // Targets 0.5 (1 - (2/3)^3) = 0.3519, 0.5 (1 - (1/3)^3) = 0.4815, 0.5 of the 2 x 24 x 33 = 1584 MLP parameters.
  // Uniform removal comes in pairs of neurons (66 parameters). Iteration 1: 557.4 wanted -> 8 pairs (528)
  // beats 9 (594): 16 kept per layer. Iteration 2: 762.7 - 528 = 234.7 more -> 4 pairs (264) beats 3 (198):
  // 12 kept. Iteration 3: 792 - 792 = 0 more: nothing to remove.
  assert.deepEqual(log.iterations.map((i) => i.units.mlp), [[16, 16], [12, 12], [12, 12]]);
  assert.deepEqual(log.iterations.map((i) => +i.target.toFixed(4)), [0.3519, 0.4815, 0.5]);
  assert.equal(log.iterations.at(-1)!.sparsity.pruned, 24 * 33 / 1584);
  assert.equal(countParameters(m).total, n0, 'input model unchanged');
  assert.equal(evaluated[0], n0, 'base evaluated first');
  assert.equal(log.iterations.length, 3);
  assert.ok(log.iterations.every((i) => i.metricPruned !== null && i.metricRecovered !== null));
  disposeModel(model); disposeModel(m);
});

test('an interrupted iterative run resumes from its last finished iteration and ends identical', async () => {
  const m = tinyGpt2(14);
  const full = await prune(m, config, { recover: shrink });
  const dir = mkdtempSync(join(tmpdir(), 'lab-prune-run-'));
  let calls = 0;
  const failing = async (x: LanguageModel) => { if (++calls === 2) throw new Error('interrupted'); return shrink(x); };
  await assert.rejects(prune(m, config, { recover: failing, outDir: dir }), /interrupted/);
  const partial = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as PruneLog;
  assert.equal(partial.iterations.length, 1);
  assert.ok(existsSync(join(dir, 'iter-1', 'plan.json')) && !existsSync(join(dir, 'iter-2', 'model')));
  let resumedCalls = 0;
  const resumed = await prune(m, config, { recover: async (x) => { resumedCalls++; return shrink(x); }, outDir: dir });
  assert.equal(resumedCalls, 2, 'only iterations 2 and 3 ran');
  const ids = tinyIds(2, 6);
  const a = logits(full.model, ids), b = logits(resumed.model, ids);
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!) < 1e-6);
  assert.deepEqual(resumed.log.iterations.map((i) => i.units), full.log.iterations.map((i) => i.units));
  // A different config must not resume from this folder.
  await assert.rejects(prune(m, { ...config, target: 0.4 }, { recover: shrink, outDir: dir }), /belongs to a different config/);
  tf.dispose([a, b, ids]);
  [m, full.model, resumed.model].forEach(disposeModel);
});
