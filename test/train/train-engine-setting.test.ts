/** LAB_TRAIN_ENGINE names the training engine of runs that name none, and the study's training steps key on it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainEngineName } from '../../kernel-lib/train/choose-engine.ts';
import { trainEngineKey } from '../../kernel-lib/experiments/step-cache.ts';
import { setEnv } from '../../kernel-lib/runtime/settings.ts';

test('LAB_TRAIN_ENGINE: unset or tfjs keeps the old keys; ort adds trainEngine to them; anything else is refused by name', () => {
  const before = process.env.LAB_TRAIN_ENGINE;
  try {
    delete process.env.LAB_TRAIN_ENGINE;
    assert.equal(trainEngineName(), 'tfjs');
    assert.deepEqual(trainEngineKey(), {});
    setEnv('LAB_TRAIN_ENGINE', 'tfjs');
    assert.deepEqual(trainEngineKey(), {});
    setEnv('LAB_TRAIN_ENGINE', 'ort');
    assert.equal(trainEngineName(), 'ort');
    assert.deepEqual(trainEngineKey(), { trainEngine: 'ort' });
    setEnv('LAB_TRAIN_ENGINE', 'gpu');
    assert.throws(() => trainEngineName(), /LAB_TRAIN_ENGINE=gpu: expected ort or tfjs/);
  } finally {
    if (before === undefined) delete process.env.LAB_TRAIN_ENGINE; else process.env.LAB_TRAIN_ENGINE = before;
  }
});
