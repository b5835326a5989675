import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, logits, applyPlan, type PruningPlan } from '../../kernel-lib/index.ts';
import type { PlanGroup } from '../../kernel-lib/prune/pruning-plan.ts';
import { tinyGpt2, maskUnits, disposeModel, tinyIds } from './tiny-gpt2.ts';

before(async () => { await initBackend(); });

function keepAllBut(count: number, drop: number[]): number[] {
  return [...Array(count).keys()].filter((u) => !drop.includes(u));
}

function plan(heads: Record<number, number[]>, neurons: Record<number, number[]>): PruningPlan {
  const groups: PlanGroup[] = [];
  for (const [l, d] of Object.entries(heads)) groups.push({ kind: 'heads', layer: Number(l), count: 4, keep: keepAllBut(4, d), scores: [] });
  for (const [l, d] of Object.entries(neurons)) groups.push({ kind: 'mlp', layer: Number(l), count: 24, keep: keepAllBut(24, d), scores: [] });
  return { family: 'gpt2', criterion: 'manual', selection: 'manual', groups };
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

const cases: [string, Record<number, number[]>, Record<number, number[]>][] = [
  ['heads', { 0: [1], 1: [0, 3] }, {}],
  ['mlp', {}, { 0: [0, 5, 23], 1: [2, 3, 4, 10, 11, 12, 13, 20] }],
  ['both', { 0: [2, 3], 1: [1] }, { 0: [7, 8], 1: [0, 1, 22] }],
];

for (const [name, heads, neurons] of cases) {
  test(`physically pruned ${name} == masked model (logits within 1e-5)`, () => {
    const m = tinyGpt2(3);
    const masked = maskUnits(m, heads, neurons);
    const pruned = applyPlan(m, plan(heads, neurons));
    const ids = tinyIds(2, 7);
    const a = logits(masked, ids), b = logits(pruned, ids);
    assert.deepEqual(b.shape, [2, 7, 50]);
    const d = maxAbsDiff(a, b);
    assert.ok(d < 1e-5, `max |diff| ${d}`);
    // The masked units matter: the unpruned model's logits differ (so the check has teeth).
    const full = logits(m, ids);
    assert.ok(maxAbsDiff(full, a) > 1e-4, 'masking changed nothing: test would be vacuous');
    full.dispose();
    // Shapes really shrank.
    for (const [l, hs] of Object.entries(heads)) assert.equal(pruned.params.get(`h.${l}.attn.c_attn.weight`)!.shape[1], 3 * 4 * (4 - hs.length));
    for (const [l, ns] of Object.entries(neurons)) assert.equal(pruned.params.get(`h.${l}.mlp.c_proj.weight`)!.shape[0], 24 - ns.length);
    tf.dispose([a, b, ids]);
    [m, masked, pruned].forEach(disposeModel);
  });
}

test('applyPlan leaves the input untouched and records original head ids, composing with earlier pruning', () => {
  const m = tinyGpt2(4);
  const before = m.params.get('h.0.attn.c_attn.weight')!.dataSync().slice();
  const p1 = applyPlan(m, plan({ 0: [1] }, {}));
  assert.deepEqual(m.config.prunedHeads, {});
  assert.deepEqual([...m.params.get('h.0.attn.c_attn.weight')!.dataSync()], [...before]);
  assert.deepEqual(p1.config.prunedHeads, { 0: [1] });
  // Now current heads of layer 0 are original [0, 2, 3]; removing current index 1 removes original 2.
  const p2 = applyPlan(p1, { family: 'gpt2', criterion: 'manual', selection: 'manual', groups: [
    { kind: 'heads', layer: 0, count: 3, keep: [0, 2], scores: [] },
    { kind: 'heads', layer: 1, count: 4, keep: [0, 1, 2], scores: [] },
  ] });
  assert.deepEqual(p2.config.prunedHeads, { 0: [1, 2], 1: [3] });
  // Same result as masking original heads 1, 2 of layer 0 and 3 of layer 1 directly.
  const masked = maskUnits(m, { 0: [1, 2], 1: [3] }, {});
  const ids = tinyIds(1, 5);
  const a = logits(masked, ids), b = logits(p2, ids);
  assert.ok(maxAbsDiff(a, b) < 1e-5);
  tf.dispose([a, b, ids]);
  [m, p1, p2, masked].forEach(disposeModel);
});

test('bad plans are refused before anything changes, with the reason', () => {
  const m = tinyGpt2(5);
  const n0 = tf.memory().numTensors;
  const bad: [PruningPlan, RegExp][] = [
    [plan({ 0: [0, 1, 2, 3] }, {}), /heads layer 0: the plan removes every unit/],
    [{ ...plan({}, {}), groups: [{ kind: 'mlp', layer: 0, count: 24, keep: [0, 24], scores: [] }] }, /kept index 24 is out of range 0\.\.23/],
    [{ ...plan({}, {}), groups: [{ kind: 'mlp', layer: 0, count: 24, keep: [3, 1], scores: [] }] }, /strictly ascending/],
    [{ ...plan({}, {}), groups: [{ kind: 'mlp', layer: 5, count: 24, keep: [1], scores: [] }] }, /mlp layer 5: the model has no such group/],
    [{ ...plan({}, {}), groups: [{ kind: 'heads', layer: 0, count: 3, keep: [1], scores: [] }] }, /made for 3 units, the model has 4/],
    [{ ...plan({ 1: [0] }, {}), family: 'olmo' }, /plan is for family 'olmo'/],
    [{ ...plan({ 1: [0] }, { 0: [1] }), groups: [...plan({ 1: [0] }, {}).groups, ...plan({ 1: [2] }, {}).groups] }, /listed twice/],
  ];
  for (const [p, re] of bad) assert.throws(() => applyPlan(m, p), re);
  assert.equal(tf.memory().numTensors, n0, 'no tensors allocated by refused plans');
  disposeModel(m);
});

test('applyPlan allocates exactly the new model\'s tensors (no leaks)', () => {
  const m = tinyGpt2(5);
  const n0 = tf.memory().numTensors;
  const p = applyPlan(m, plan({ 0: [1] }, { 1: [3, 4] }));
  assert.equal(tf.memory().numTensors, n0 + p.params.size);
  disposeModel(p);
  assert.equal(tf.memory().numTensors, n0);
  disposeModel(m);
});
