import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { modelFingerprint } from '../../kernel-lib/model/fingerprint.ts';
import { type LanguageModel, initBackend } from '../../kernel-lib/index.ts';
import { tinyConfig } from '../helpers/tiny-gpt2.ts';

before(async () => { await initBackend(); });

function model(values: number[]): LanguageModel {
  const params = new Map<string, tf.Variable>([['wte.weight', tf.variable(tf.tensor2d(values, [2, 2]))], ['ln_f.bias', tf.variable(tf.tensor1d([0.5, -1]))]]);
  return { family: 'gpt2', config: tinyConfig({ V: 2, P: 4, C: 2, L: 0, H: 1 }), params };
}

test('fingerprint = sha256 over config and (name, shape, dtype, bytes) in name order; memoised per object', () => {
  const m = model([1, 2, 3, 4]);
  // independent recomputation of the documented recipe
  const h = createHash('sha256');
  h.update('family gpt2\nconfig {"model_type":"gpt2"}\n');
  h.update('param ln_f.bias [2] float32\n'); h.update(new Uint8Array(new Float32Array([0.5, -1]).buffer));
  h.update('param wte.weight [2,2] float32\n'); h.update(new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer));
  assert.equal(modelFingerprint(m), h.digest('hex'));
  assert.equal(modelFingerprint(model([1, 2, 3, 4])), modelFingerprint(m));
  assert.notEqual(modelFingerprint(model([1, 2, 3, 4.0001])), modelFingerprint(m));
  m.params.get('wte.weight')!.assign(tf.tensor2d([9, 9, 9, 9], [2, 2]));
  const memo = modelFingerprint(m);
  assert.notEqual(modelFingerprint(m, { fresh: true }), memo);
});
