import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../kernel-lib/index.ts';
import { linear } from '../../../kernel-lib/model/ops/linear.ts';
import { matmul } from '../../../kernel-lib/model/ops/matmul.ts';
import { embedding } from '../../../kernel-lib/model/ops/embedding.ts';

before(async () => { await initBackend({ quiet: true }); });

const close = (a: ArrayLike<number>, b: number[], tol = 1e-5) => { assert.equal(a.length, b.length); for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < tol, `[${i}] ${a[i]} vs ${b[i]}`); };

// Hand-derived: y = xW + b; for L = sum(y * G): dx = G W^T, dW = x^T G, db = column sums of G.
test('linear: value and gradients (x [2,3], W [3,2], b [2])', () => {
  const x = [[1, 2, 3], [4, 5, 6]], W = [[1, -1], [0.5, 2], [-2, 0]], bias = [0.5, -1], G = [[1, 2], [-1, 0.5]];
  const f = (a: tf.Tensor, w: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(linear(a as tf.Tensor2D, w as tf.Tensor2D, bb as tf.Tensor1D), tf.tensor2d(G)));
  const y = tf.tidy(() => linear(tf.tensor2d(x), tf.tensor2d(W), tf.tensor1d(bias)).dataSync());
  close(y, [1 + 1 - 6 + 0.5, -1 + 4 + 0 - 1, 4 + 2.5 - 12 + 0.5, -4 + 10 - 1]);
  const [dx, dW, db] = tf.tidy(() => tf.grads(f)([tf.tensor2d(x), tf.tensor2d(W), tf.tensor1d(bias)]).map((t) => t.dataSync()));
  close(dx!, [1 - 2, 0.5 + 4, -2, -1 - 0.5, -0.5 + 1, 2]);
  close(dW!, [1 - 4, 2 + 2, 2 - 5, 4 + 2.5, 3 - 6, 6 + 3]);
  close(db!, [0, 2.5]);
});

test('matmul: gradients are G B^T and A^T G', () => {
  const A = [[1, 2], [3, 4]], B = [[0.5, -1, 2], [1, 0, -2]], G = [[1, 0, 2], [0, -1, 1]];
  const [dA, dB] = tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(matmul(a as tf.Tensor2D, b as tf.Tensor2D), tf.tensor2d(G))))([tf.tensor2d(A), tf.tensor2d(B)]).map((t) => t.dataSync()));
  close(dA!, [0.5 + 4, 1 - 4, 1 + 2, -2]);
  close(dB!, [1, -3, 2 + 3, 2, -4, 4 + 4]);
});

test('embedding: rows gathered; gradient sums the rows of repeated ids (ScatterNd, no UnsortedSegmentSum)', () => {
  const table = [[1, 2], [3, 4], [5, 6]];
  const ids = [2, 0, 2];
  const G = [[1, 1], [2, 3], [10, 20]];
  const y = tf.tidy(() => embedding(tf.tensor2d(table), tf.tensor1d(ids, 'int32')).dataSync());
  close(y, [5, 6, 1, 2, 5, 6]);
  const d = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embedding(t as tf.Tensor2D, tf.tensor1d(ids, 'int32')), tf.tensor2d(G))))(tf.tensor2d(table)).dataSync());
  close(d, [2, 3, 0, 0, 11, 21]);
});

test('linear: a bias whose data was made with another shape (reshape of [1, out]) still works', () => {
  const y = tf.tidy(() => {
    const b = tf.reshape(tf.add(tf.zeros([1, 2]), tf.tensor2d([[0.5, -1]])), [2]) as tf.Tensor1D;
    return linear(tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[1, -1], [0.5, 2], [-2, 0]]), b).dataSync();
  });
  close(y, [1 + 1 - 6 + 0.5, -1 + 4 - 1]);
});
