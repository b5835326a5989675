import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../kernel-lib/index.ts';
import { headTargetLogProbs, headCrossEntropy } from '../../../kernel-lib/model/ops/head-cross-entropy.ts';

before(async () => { await initBackend({ quiet: true }); });

/** float64 log_softmax(W x)[t]. */
function refLogProb(x: number[], W: number[][], t: number): number {
  const z = W.map((w) => w.reduce((s, v, c) => s + v * x[c]!, 0));
  const m = Math.max(...z);
  return z[t]! - m - Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
}

test('log p(target) is exact also when p(target) underflows float32 (logSumExp fallback)', () => {
  const W = [[1, 0], [0, 1], [-1, 0], [0.5, 0.5]];
  const xs = [[80, 0], [0.3, -0.2], [0, 1]];   // row 0: log p(target 2) ~ -160, p ~ 1e-70
  const t = [2, 3, 1];
  const r = headTargetLogProbs(tf.tensor2d(xs), tf.tensor2d(W), tf.tensor1d(t, 'int32'));
  const lp = r.logprob.dataSync(), gr = r.greedy.dataSync();
  xs.forEach((x, i) => assert.ok(Math.abs(lp[i]! - refLogProb(x, W, t[i]!)) < 1e-4 * Math.max(1, Math.abs(lp[i]!)), `row ${i}: ${lp[i]} vs ${refLogProb(x, W, t[i]!)}`));
  assert.deepEqual(Array.from(gr), [0, 0, 1]);
  const ce = tf.tidy(() => headCrossEntropy(tf.tensor2d(xs), tf.tensor2d(W), tf.tensor1d(t, 'int32'), tf.tensor1d([1, 1, 0])).dataSync()[0]!);
  assert.ok(Math.abs(ce + refLogProb(xs[0]!, W, 2) + refLogProb(xs[1]!, W, 3)) < 1e-3);
  r.logprob.dispose(); r.greedy.dispose();
});
