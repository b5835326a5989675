import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../kernel-lib/index.ts';

let onWasm = false;
before(async () => { onWasm = (await initBackend({ quiet: true })).tfName === 'wasm'; });

// Expected values are computed by plain index arithmetic on the input values (x[i] = i).
function expectSlice(shape: number[], begin: number[], size: number[]): number[] {
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const out: number[] = [];
  const idx = size.map(() => 0);
  const total = size.reduce((a, b) => a * b, 1);
  for (let r = 0; r < total; r++) {
    out.push(idx.reduce((o, i, d) => o + (begin[d]! + i) * strides[d]!, 0));
    for (let d = size.length - 1; d >= 0; d--) { if (++idx[d]! < size[d]!) break; idx[d] = 0; }
  }
  return out;
}

test('patched Slice returns the selected elements for ranks 1-5, int32 and float32', (t) => {
  if (!onWasm) return t.skip('not on the wasm backend');
  const cases: [number[], number[], number[]][] = [
    [[10], [3], [4]], [[5, 7], [1, 2], [3, 4]], [[5, 7], [0, 0], [5, 7]], [[4, 3, 6], [1, 0, 2], [2, 3, 3]],
    [[3, 4, 2, 5], [1, 1, 0, 1], [2, 2, 2, 3]], [[2, 3, 2, 2, 3], [1, 0, 1, 0, 1], [1, 3, 1, 2, 2]], [[6, 4], [2, 1], [0, 3]],
  ];
  for (const [shape, begin, size] of cases) {
    const n = shape.reduce((a, b) => a * b, 1);
    for (const dtype of ['float32', 'int32'] as const) {
      const got = tf.tidy(() => tf.slice(tf.tensor(Array.from({ length: n }, (_, i) => i), shape, dtype), begin, size).dataSync());
      assert.deepEqual(Array.from(got), expectSlice(shape, begin, size), `${dtype} ${shape} ${begin} ${size}`);
    }
  }
});

test('patched Slice: -1 sizes and many slices of one big tensor', (t) => {
  if (!onWasm) return t.skip('not on the wasm backend');
  const got = tf.tidy(() => tf.slice(tf.reshape(tf.range(0, 12), [3, 4]), [1, 1], [-1, -1]).dataSync());
  assert.deepEqual(Array.from(got), [5, 6, 7, 9, 10, 11]);
  const big = tf.reshape(tf.range(0, 512 * 768), [512, 768]);
  const t0 = performance.now();
  tf.tidy(() => { for (let i = 0; i < 96; i++) tf.slice(big, [0, i * 8], [512, 8]); });
  const ms = performance.now() - t0;
  big.dispose();
  // Unpatched: 96 full copies of 1.5 MB (~150 MB memcpy + allocation); patched only 1.5 MB in total.
  assert.ok(ms < 400, `96 slices took ${ms} ms`);
});

test('patched Identity: a clone shares the data and outlives the original', (t) => {
  if (!onWasm) return t.skip('not on the wasm backend');
  const before = tf.memory().numDataBuffers;
  const a = tf.tensor1d([1, 2, 3, 4]);
  const b = tf.clone(a);
  assert.equal(tf.memory().numDataBuffers - before, 1, 'the clone shares the data buffer');
  a.dispose();
  assert.deepEqual(Array.from(b.dataSync()), [1, 2, 3, 4]);
  b.dispose();
  assert.equal(tf.memory().numDataBuffers, before);
});
