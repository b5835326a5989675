import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, logits, saveModel, loadModel, applyPlan, planPruning, type PruningPlan } from '../../kernel-lib/index.ts';
import { tinyGpt2, disposeModel, tinyIds } from './tiny-gpt2.ts';

before(async () => { await initBackend(); });

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

test('pruned GPT-2 saved as HF (pruned_heads = original ids, uniform n_inner) reloads with identical logits', async () => {
  const m = tinyGpt2(11);
  // Two rounds, so pruned_heads must compose: layer 0 loses original 1, then current 2 (= original 3).
  const p1 = applyPlan(m, { family: 'gpt2', criterion: 'manual', selection: 'manual', groups: [
    { kind: 'heads', layer: 0, count: 4, keep: [0, 2, 3], scores: [] },
  ] } satisfies PruningPlan);
  const p2 = applyPlan(p1, { family: 'gpt2', criterion: 'manual', selection: 'manual', groups: [
    { kind: 'heads', layer: 0, count: 3, keep: [0, 1], scores: [] },
    { kind: 'heads', layer: 1, count: 4, keep: [1, 2, 3], scores: [] },
    { kind: 'mlp', layer: 0, count: 24, keep: [...Array(16).keys()].map((i) => i + 8), scores: [] },
    { kind: 'mlp', layer: 1, count: 24, keep: [0, 1, 3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 18, 19, 21, 22], scores: [] },
  ] });
  const dir = join(mkdtempSync(join(tmpdir(), 'lab-prune-')), 'model');
  await saveModel(p2, dir);
  const json = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  assert.deepEqual(json.pruned_heads, { 0: [1, 3], 1: [0] });
  assert.equal(json.n_inner, 16);
  assert.equal(json.n_head, 4);
  const r = await loadModel(dir);
  const ids = tinyIds(2, 6);
  const a = logits(p2, ids), b = logits(r, ids);
  assert.equal(maxAbsDiff(a, b), 0);
  tf.dispose([a, b, ids]);
  [m, p1, p2, r].forEach(disposeModel);
});

test('per-layer MLP widths (global selection) are refused for HF export and saved/reloaded in the lab layout', async () => {
  const m = tinyGpt2(12);
  const fixed = (g: { count: number; layer: number }) => Float32Array.from({ length: g.count }, (_, u) => (g.layer === 0 ? u + 1 : (u === 0 ? 10 : 1)));
  const plan = planPruning(m, { target: 0.5, of: 'pruned', groups: ['mlp'], selection: 'global' }, { importance: fixed });
  const p = applyPlan(m, plan);
  const dir = join(mkdtempSync(join(tmpdir(), 'lab-prune-')), 'model');
  await assert.rejects(saveModel(p, dir), /per-layer MLP widths \[18, 6\] cannot be expressed in GPT2Config.*prune uniformly/);
  await saveModel(p, dir, { layout: 'lab' });
  const r = await loadModel(dir);
  const ids = tinyIds(1, 7);
  const a = logits(p, ids), b = logits(r, ids);
  assert.equal(maxAbsDiff(a, b), 0);
  tf.dispose([a, b, ids]);
  [m, p, r].forEach(disposeModel);
});

test("layout 'auto' picks hf or lab from the shapes, says why, and never hides an I/O error", async () => {
  const m = tinyGpt2(13);
  const fixed = (g: { count: number; layer: number }) => Float32Array.from({ length: g.count }, (_, u) => (g.layer === 0 ? u + 1 : (u === 0 ? 10 : 1)));
  const p = applyPlan(m, planPruning(m, { target: 0.5, of: 'pruned', groups: ['mlp'], selection: 'global' }, { importance: fixed }));
  const root = mkdtempSync(join(tmpdir(), 'lab-auto-'));
  const hf = await saveModel(m, join(root, 'dense'), { layout: 'auto' });
  assert.equal(hf.layout, 'hf');
  assert.match(hf.reason, /transformers can express/);
  const lab = await saveModel(p, join(root, 'global'), { layout: 'auto' });
  assert.equal(lab.layout, 'lab');
  assert.match(lab.reason, /per-layer MLP widths \[18, 6\]/);
  disposeModel(await loadModel(join(root, 'global')));   // the lab layout it chose reloads
  // A folder under a regular file cannot be created: the I/O error surfaces, in either layout.
  writeFileSync(join(root, 'a-file'), 'x');
  await assert.rejects(saveModel(p, join(root, 'a-file', 'model'), { layout: 'auto' }), /ENOTDIR|EEXIST|not a directory/);
  await assert.rejects(saveModel(m, join(root, 'a-file', 'model'), { layout: 'auto' }), /ENOTDIR|EEXIST|not a directory/);
  [m, p].forEach(disposeModel);
});
