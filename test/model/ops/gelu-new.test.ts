import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '../../../kernel-lib/model/ops/gradients.ts';
import { initBackend } from '../../../kernel-lib/index.ts';
import { geluNew } from '../../../kernel-lib/model/ops/gelu-new.ts';

before(async () => { await initBackend({ quiet: true }); });

// Reference: transformers' NewGELUActivation, 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), in
// float64; derivative by hand: 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) sqrt(2/pi) (1 + 3 * 0.044715 x^2).
const k = Math.sqrt(2 / Math.PI);
const ref = (x: number) => 0.5 * x * (1 + Math.tanh(k * (x + 0.044715 * x ** 3)));
const dref = (x: number) => { const th = Math.tanh(k * (x + 0.044715 * x ** 3)); return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * k * (1 + 3 * 0.044715 * x * x); };
const xs = [-8, -3.5, -1, -0.3, 0, 0.2, 1, 2.5, 6, 12];

test('gelu_new as x*sigmoid(2u) equals the tanh form, values and gradient', () => {
  const got = tf.tidy(() => geluNew(tf.tensor1d(xs)).dataSync());
  const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(geluNew(x)))(tf.tensor1d(xs)).dataSync());
  xs.forEach((x, i) => {
    assert.ok(Math.abs(got[i]! - ref(x)) < 1e-5 * Math.max(1, Math.abs(x)), `gelu(${x})`);
    assert.ok(Math.abs(grad[i]! - dref(x)) < 1e-5, `gelu'(${x}) ${grad[i]} vs ${dref(x)}`);
  });
});
