import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '../../../kernel-lib/model/ops/gradients.ts';
import { initBackend } from '../../../kernel-lib/index.ts';
import { layerNorm } from '../../../kernel-lib/model/ops/layer-norm.ts';

before(async () => { await initBackend({ quiet: true }); });

// Reference: torch.nn.LayerNorm (biased variance, eps inside the sqrt) in float64 loops.
test('layerNorm matches torch.nn.LayerNorm semantics, and its input gradient is orthogonal to 1 and x-hat', () => {
  const x = [[1, 2, 3, 4.5], [-2, 0.5, 0.25, 8]];
  const g = [1.5, -0.5, 2, 1], b = [0.1, 0.2, -0.3, 0];
  const eps = 1e-5;
  const got = tf.tidy(() => layerNorm(tf.tensor2d(x), tf.tensor1d(g), tf.tensor1d(b), eps).arraySync());
  x.forEach((row, n) => {
    const mu = row.reduce((s, v) => s + v, 0) / 4;
    const va = row.reduce((s, v) => s + (v - mu) ** 2, 0) / 4;
    row.forEach((v, c) => assert.ok(Math.abs(got[n]![c]! - ((v - mu) / Math.sqrt(va + eps) * g[c]! + b[c]!)) < 1e-5));
  });
  // d/dx of sum(LN(x) with gamma = 1, beta = 0) is 0: LN output always sums to 0 per row.
  const dx = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(layerNorm(t as tf.Tensor2D, tf.ones([4]) as tf.Tensor1D, tf.zeros([4]) as tf.Tensor1D, eps)))(tf.tensor2d(x)).dataSync());
  for (const v of dx) assert.ok(Math.abs(v) < 1e-5);
});
