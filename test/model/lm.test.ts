import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, logits, scoreTokens } from '../../kernel-lib/index.ts';
import { lmLoss, lossAndGrads } from '../../kernel-lib/model/lm.ts';
import { referenceLogits, referenceLoss, refLogProb, type RefTensor } from '../helpers/gpt2-reference.ts';
import { tinyModel, disposeModel, type TinySpec } from '../helpers/tiny-gpt2.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';

before(async () => { await initBackend({ quiet: true }); });

const B = 2, T = 5;
const spec: TinySpec = { V: 37, P: 8, C: 8, L: 2, H: 2, headsPerLayer: [1, 2], mlpPerLayer: [32, 12] };
const cfg = { L: spec.L, H: spec.H, eps: 1e-5 };
const ids = Array.from({ length: B * T }, (_, i) => (i * 13 + 5) % spec.V);
const targets = Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % spec.V);
const mask = Array.from({ length: B * T }, (_, i) => (i === 4 || i === 9 ? 0 : 1)); // right padding at the end of each row

function batch() {
  return { ids: tf.tensor2d(ids, [B, T], 'int32'), targets: tf.tensor2d(targets, [B, T], 'int32'), mask: tf.tensor2d(mask, [B, T], 'float32') };
}

test('lmLoss equals the float64 reference masked mean cross-entropy', () => {
  const { model, ref } = tinyModel(spec, 11);
  const got = tf.tidy(() => lmLoss(model, batch()).dataSync()[0]!);
  const sum = tf.tidy(() => lmLoss(model, batch(), { reduction: 'sum' }).dataSync()[0]!);
  disposeModel(model);
  const want = referenceLoss(ref, ids, targets, mask, B, T, cfg);
  assert.ok(Math.abs(got - want) < 1e-5, `${got} vs ${want}`);
  assert.ok(Math.abs(sum - want * 8) < 1e-4, `${sum} vs ${want * 8}`);
});

// Gradient check: the library's analytic float32 gradients vs central differences of the
// independent float64 reference loss (eps 1e-4 in float64: truncation error ~eps^2 * f''' ~ 1e-8,
// rounding ~1e-16/eps ~ 1e-12), so the comparison measures only the float32 arithmetic of the
// library: tolerance 2e-4 absolute + 1e-3 relative. Every parameter tensor, up to 6 entries each.
test('gradients of lmLoss w.r.t. every parameter match finite differences of the reference', () => {
  const { model, ref } = tinyModel(spec, 12);
  const { loss, grads } = lossAndGrads(model, batch());
  assert.ok(Math.abs(loss - referenceLoss(ref, ids, targets, mask, B, T, cfg)) < 1e-5);
  assert.deepEqual([...grads.keys()].sort(), [...model.params.keys()].sort());
  const rng = createRng(3);
  const eps = 1e-4;
  let checked = 0;
  for (const [name, r] of ref) {
    const g = grads.get(name)!.dataSync();
    assert.deepEqual(grads.get(name)!.shape, r.shape, name);
    const picks = new Set<number>();
    while (picks.size < Math.min(6, r.data.length)) picks.add(rng.int(r.data.length));
    if (name === 'wte.weight') for (const t of targets.slice(0, 2)) picks.add(t * spec.C);  // rows hit by targets
    for (const i of picks) {
      const at = (d: number) => {
        const data = Float64Array.from(r.data); data[i]! += d;
        const p = new Map<string, RefTensor>(ref); p.set(name, { shape: r.shape, data });
        return referenceLoss(p, ids, targets, mask, B, T, cfg);
      };
      const fd = (at(eps) - at(-eps)) / (2 * eps);
      assert.ok(Math.abs(g[i]! - fd) <= 2e-4 + 1e-3 * Math.abs(fd), `${name}[${i}]: analytic ${g[i]} vs finite difference ${fd}`);
      checked++;
    }
  }
  for (const t of grads.values()) t.dispose();
  disposeModel(model);
  assert.ok(checked > 100);
});

test('scoreTokens: log_softmax at the targets and greedy flags; batch of 1 equals batch of N', () => {
  const { model, ref } = tinyModel(spec, 13);
  const tg = Int32Array.from(targets.map((t, i) => (mask[i] ? t : -1)));
  const z = referenceLogits(ref, ids, B, T, cfg);
  // make position 2 a greedy hit: its target is the reference argmax
  tg[2] = z[2]!.indexOf(Math.max(...z[2]!));
  const s = scoreTokens(model, Int32Array.from(ids), B, T, tg);
  for (let i = 0; i < B * T; i++) {
    if (tg[i] === -1) { assert.ok(Number.isNaN(s.logprobs[i]!)); assert.equal(s.greedy[i], 0); continue; }
    assert.ok(Math.abs(s.logprobs[i]! - refLogProb(z[i]!, tg[i]!)) < 1e-5, `position ${i}`);
    assert.equal(s.greedy[i], z[i]!.indexOf(Math.max(...z[i]!)) === tg[i] ? 1 : 0, `greedy ${i}`);
  }
  assert.equal(s.greedy[2], 1);
  for (let b = 0; b < B; b++) {
    const one = scoreTokens(model, Int32Array.from(ids.slice(b * T, b * T + T)), 1, T, tg.slice(b * T, b * T + T));
    for (let t = 0; t < T; t++) {
      const a = one.logprobs[t]!, c = s.logprobs[b * T + t]!;
      assert.ok((Number.isNaN(a) && Number.isNaN(c)) || Math.abs(a - c) < 1e-6);
      assert.equal(one.greedy[t], s.greedy[b * T + t]);
    }
  }
  assert.throws(() => scoreTokens(model, Int32Array.from(ids), B, T, Int32Array.from(ids).fill(99)), /targets\[0\] = 99/);
  disposeModel(model);
});

test('repeated logits, lmLoss and lossAndGrads leave tf.memory().numTensors unchanged', () => {
  const { model } = tinyModel(spec, 14);
  const b = batch();
  const step = () => {
    tf.tidy(() => { logits(model, b.ids); lmLoss(model, b, { training: true, seed: 1 }); });
    const { grads } = lossAndGrads(model, b, { training: true, seed: 2 });
    for (const t of grads.values()) t.dispose();
    scoreTokens(model, Int32Array.from(ids), B, T, Int32Array.from(targets));
  };
  step();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) step();
  assert.equal(tf.memory().numTensors, before);
  for (const t of Object.values(b)) t.dispose();
  disposeModel(model);
});
