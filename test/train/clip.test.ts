import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipByGlobalNorm, clipFactor, globalNorm } from '../../kernel-lib/train/clip.ts';

test('global norm of all gradients together: sqrt(3^2 + 4^2 + 12^2) = 13', () => {
  assert.equal(globalNorm([new Float32Array([3, 4]), new Float32Array([12])]), 13);
  assert.equal(globalNorm([new Float32Array([3, 4]), new Float32Array([12])], 0.5), 6.5);
});

test('clipping scales to the stated norm (torch clip_grad_norm_: max / (norm + 1e-6))', () => {
  const grads = new Map([['a', new Float32Array([3, 4])], ['b', new Float32Array([12])]]);
  const { grads: out, norm } = clipByGlobalNorm(grads, 1);
  assert.equal(norm, 13);
  const after = globalNorm(out.values());
  assert.ok(Math.abs(after - 13 / (13 + 1e-6)) < 1e-6, `clipped norm ${after}`);
  // direction kept: a = [3, 4] / 13
  assert.ok(Math.abs(out.get('a')![0]! - 3 / 13) < 1e-7 && Math.abs(out.get('b')![0]! - 12 / 13) < 1e-7);
  assert.deepEqual(Array.from(grads.get('a')!), [3, 4], 'input untouched');
});

test('no clipping below the threshold or when disabled', () => {
  const grads = new Map([['a', new Float32Array([3, 4])]]);
  assert.deepEqual(Array.from(clipByGlobalNorm(grads, 5).grads.get('a')!), [3, 4]);
  assert.deepEqual(Array.from(clipByGlobalNorm(grads, 10).grads.get('a')!), [3, 4]);
  assert.equal(clipFactor(5, 0), 1);
  assert.equal(clipFactor(10, 2), 2 / (10 + 1e-6));
});
