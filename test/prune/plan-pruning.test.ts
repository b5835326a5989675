import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, logits, planPruning, applyPlan, planTable, countParameters, type Importance } from '../../kernel-lib/index.ts';
import { gpt2 } from '../../kernel-lib/model/gpt2.ts';
import { resolvePruneConfig } from '../../kernel-lib/prune/prune-config.ts';
import { tinyGpt2, disposeModel, tinyIds } from './tiny-gpt2.ts';

before(async () => { await initBackend(); });

const range = (n: number, from = 0) => [...Array(n).keys()].map((i) => i + from);

// Fixed scores: MLP layer 0 = u+1 (1..24); layer 1 = [10, 1, 1, ..., 1]; heads = u+1.
const fixed: Importance = (g) => Float32Array.from({ length: g.count },
  (_, u) => (g.kind === 'mlp' && g.layer === 1 ? (u === 0 ? 10 : 1) : u + 1));

test('uniform selection removes the same number of lowest-scored units per layer to hit the target', () => {
  const m = tinyGpt2(1);
  // MLP-owned parameters: 2 layers x 24 neurons x (2C+1 = 33) = 1584; 50% = 792 = 24 neurons = 12 per layer.
  const p = planPruning(m, { target: 0.5, of: 'pruned', groups: ['mlp'], selection: 'uniform' }, { importance: fixed });
  assert.deepEqual(p.groups.map((g) => [g.kind, g.layer, g.keep]), [
    ['mlp', 0, range(12, 12)],
    // layer 1: ties (all 1) removed from the highest index down, the unit scored 10 stays.
    ['mlp', 1, range(12)],
  ]);
  // Rounded to multiples of 8: 0.6 asks for 28.8 neurons; 8-multiples allow 16 or 32 removed: 32 is closer.
  const r = planPruning(m, { target: 0.6, of: 'pruned', groups: ['mlp'], roundMlpTo: 8 }, { importance: fixed });
  assert.deepEqual(r.groups.map((g) => g.keep.length), [8, 8]);
  disposeModel(m);
});

test('global selection ranks scores normalised per layer by their L2 norm (Michel et al.)', () => {
  const m = tinyGpt2(1);
  // Normalised: layer 0 (u+1)/70 (sqrt(sum 1..24^2) = 70); layer 1 ones / sqrt(23+100) = 0.0902.
  // The 24 lowest: layer 0 units 0..5 (<= 6/70 = 0.0857), then 18 of layer 1's tied ones (highest ids first).
  const p = planPruning(m, { target: 0.5, of: 'pruned', groups: ['mlp'], selection: 'global' }, { importance: fixed });
  assert.deepEqual(p.groups.map((g) => g.keep), [range(18, 6), range(6)]);
  // A floor of 8 neurons per layer stops layer 1 at 8 kept; the rest comes from layer 0.
  const f = planPruning(m, { target: 0.5, of: 'pruned', groups: ['mlp'], selection: 'global', minMlpWidth: 8 }, { importance: fixed });
  assert.deepEqual(f.groups.map((g) => g.keep.length), [16, 8]);
  disposeModel(m);
});

test('targets counted of total / non-embedding convert to unit counts, and the floor bounds them', () => {
  const m = tinyGpt2(1);
  // Total 5008 parameters; 10% = 500.8. Uniform removes the same count per layer, so removals come
  // in pairs of neurons (66 parameters): 462 (7+7) or 528 (8+8): 528 is closer.
  const t = planPruning(m, { target: 0.1, of: 'total', groups: ['mlp'] }, { importance: fixed });
  assert.deepEqual(t.groups.map((g) => g.keep.length), [16, 16]);
  // Non-embedding 3952; 20% = 790.4 -> pairs of 66: 792 (12+12).
  const n = planPruning(m, { target: 0.2, of: 'non-embedding', groups: ['mlp'] }, { importance: fixed });
  assert.deepEqual(n.groups.map((g) => g.keep.length), [12, 12]);
  // Heads: 4 per layer x 268 parameters, floor 1 head: at most 3 x 2 x 268 = 1608 of 2144 (75%).
  assert.throws(() => planPruning(m, { target: 0.8, of: 'pruned', groups: ['heads'] }, { importance: fixed }),
    /floors \(minHeads 1, minMlpWidth 1, roundMlpTo 1\) allow at most 1608/);
  assert.throws(() => planPruning(m, { target: 0.5, of: 'total', groups: ['mlp'], minMlpWidth: 20 }, { importance: fixed }), /allow at most 264 /);
  disposeModel(m);
});

test('config is validated at the boundary, naming the key', () => {
  assert.throws(() => resolvePruneConfig({ target: 1.2 }), /PruneConfig\.target/);
  assert.throws(() => resolvePruneConfig({ of: 'all' as never }), /PruneConfig\.of/);
  assert.throws(() => resolvePruneConfig({ groups: ['layers' as never] }), /PruneConfig\.groups/);
  assert.throws(() => resolvePruneConfig({ minHeads: 0 }), /PruneConfig\.minHeads/);
  assert.throws(() => resolvePruneConfig({ selection: 'random' as never }), /PruneConfig\.selection/);
  assert.throws(() => resolvePruneConfig({ bogus: 1 } as never), /unknown key 'bogus'/);
  const m = tinyGpt2(1);
  assert.throws(() => planPruning(m, { criterion: 'nope' }), /PruneConfig.criterion: expected 'magnitude-l1', 'magnitude-l2', 'taylor', 'activation', 'random', 'flap' or 'wanda-sp', got "nope"/);
  assert.throws(() => planPruning(m, { criterion: 'taylor' }), /needs calibration data/);
  disposeModel(m);
});

test('every criterion plans, applies and runs; the plan is JSON data and a table', () => {
  const m = tinyGpt2(6);
  const calibration = range(4).map((s) => Int32Array.from({ length: 9 }, (_, i) => (i * 5 + s * 11) % 50));
  const ids = tinyIds(2, 6);
  for (const criterion of ['magnitude-l1', 'magnitude-l2', 'taylor', 'activation', 'random']) {
    const n0 = tf.memory().numTensors;
    const plan = planPruning(m, { target: 0.3, of: 'pruned', criterion, calibrationSamples: 4, calibrationBatch: 2 }, { calibration });
    assert.equal(tf.memory().numTensors, n0, `${criterion}: planning leaks tensors`);
    assert.deepEqual(JSON.parse(JSON.stringify(plan)), plan);
    const p = applyPlan(m, plan);
    const z = logits(p, ids);
    assert.deepEqual(z.shape, [2, 6, 50]);
    assert.ok(z.dataSync().every(Number.isFinite));
    const removed = countParameters(m).total - countParameters(p).total;
    assert.ok(Math.abs(removed / (2144 * 2 / 2 + 1584) - 0.3) < 0.15, `${criterion}: removed ${removed}`);
    assert.equal(planTable(plan).numRows(), 4);
    z.dispose(); disposeModel(p);
  }
  ids.dispose(); disposeModel(m);
});

test('shape validity: removing any single unit of any group keeps the forward pass working', () => {
  const m = tinyGpt2(7);
  const ids = tinyIds(1, 5);
  for (const g of gpt2.groups(m)) {
    for (const drop of [0, g.count - 1]) {
      const p = applyPlan(m, { family: 'gpt2', criterion: 'manual', selection: 'manual',
        groups: [{ kind: g.kind, layer: g.layer, count: g.count, keep: range(g.count).filter((u) => u !== drop), scores: [] }] });
      const z = logits(p, ids);
      assert.deepEqual(z.shape, [1, 5, 50], `${g.kind} layer ${g.layer} unit ${drop}`);
      z.dispose(); disposeModel(p);
    }
  }
  ids.dispose(); disposeModel(m);
});
