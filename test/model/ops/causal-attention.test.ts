import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '../../../kernel-lib/model/ops/gradients.ts';
import { initBackend } from '../../../kernel-lib/index.ts';
import { causalAttention } from '../../../kernel-lib/model/ops/causal-attention.ts';
import { createRng } from '../../../kernel-lib/runtime/random.ts';

before(async () => { await initBackend({ quiet: true }); });

const B = 2, T = 4, h = 2, D = 3;
const rng = createRng(9);
const qkv = Array.from({ length: B * T * 3 * h * D }, () => rng.next() * 2 - 1);
const G = Array.from({ length: B * T * h * D }, () => rng.next() * 2 - 1);

/** float64 reference of the attention core (no dropout), summed against G. */
function refLoss(v: readonly number[]): number {
  const W = 3 * h * D;
  let s = 0;
  for (let b = 0; b < B; b++) for (let i = 0; i < h; i++) for (let t = 0; t < T; t++) {
    const sc: number[] = [];
    for (let u = 0; u <= t; u++) { let d = 0; for (let e = 0; e < D; e++) d += v[(b * T + t) * W + i * D + e]! * v[(b * T + u) * W + (h + i) * D + e]!; sc.push(d / Math.sqrt(D)); }
    const m = Math.max(...sc), ex = sc.map((x) => Math.exp(x - m)), z = ex.reduce((a, c) => a + c, 0);
    for (let e = 0; e < D; e++) {
      let y = 0;
      for (let u = 0; u <= t; u++) y += (ex[u]! / z) * v[(b * T + u) * W + (2 * h + i) * D + e]!;
      s += y * G[(b * T + t) * h * D + i * D + e]!;
    }
  }
  return s;
}

const loss = (x: tf.Tensor, drop?: { rate: number; seed: number }) => tf.sum(tf.mul(causalAttention(x as tf.Tensor2D, { batch: B, seqLen: T, heads: h, headDim: D }, drop), tf.tensor2d(G, [B * T, h * D])));

// Hand-written backward vs central differences of the float64 reference (eps 1e-5: error ~1e-10).
test('attention: value and hand-written gradient match the float64 reference', () => {
  const val = tf.tidy(() => loss(tf.tensor2d(qkv, [B * T, 3 * h * D])).dataSync()[0]!);
  assert.ok(Math.abs(val - refLoss(qkv)) < 1e-5);
  const g = tf.tidy(() => tf.grad((x: tf.Tensor) => loss(x))(tf.tensor2d(qkv, [B * T, 3 * h * D])).dataSync());
  for (let i = 0; i < qkv.length; i++) {
    const p = qkv.slice(), m = qkv.slice(); p[i]! += 1e-5; m[i]! -= 1e-5;
    const fd = (refLoss(p) - refLoss(m)) / 2e-5;
    assert.ok(Math.abs(g[i]! - fd) < 1e-4, `[${i}] ${g[i]} vs ${fd}`);
  }
});

// With dropout the mask is a function of the seed, so the loss is a fixed smooth function:
// central differences of the op's own float32 forward (eps 1e-2: truncation ~1e-4 * f''',
// rounding ~1e-7 / 1e-2 = 1e-5), tolerance 2e-3.
test('attention dropout: seeded, and the gradient matches finite differences at a fixed seed', () => {
  const drop = { rate: 0.3, seed: 5 };
  const x0 = tf.tensor2d(qkv, [B * T, 3 * h * D]);
  const a = tf.tidy(() => loss(x0, drop).dataSync()[0]!), b = tf.tidy(() => loss(x0, drop).dataSync()[0]!);
  const c = tf.tidy(() => loss(x0, { rate: 0.3, seed: 6 }).dataSync()[0]!);
  assert.equal(a, b);
  assert.notEqual(a, c);
  const g = tf.tidy(() => tf.grad((x: tf.Tensor) => loss(x, drop))(x0).dataSync());
  const at = (i: number, d: number) => tf.tidy(() => { const v = qkv.slice(); v[i]! += d; return loss(tf.tensor2d(v, [B * T, 3 * h * D]), drop).dataSync()[0]!; });
  for (let i = 0; i < qkv.length; i += 5) {
    const fd = (at(i, 1e-2) - at(i, -1e-2)) / 2e-2;
    assert.ok(Math.abs(g[i]! - fd) < 2e-3, `[${i}] ${g[i]} vs ${fd}`);
  }
  x0.dispose();
});
