/** LAB_TRAIN_ENGINE names the training engine of runs that name none; the study's steps train on
 *  the profile's engine unless it is set, and key on the engine they use. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainEngineName } from '../../kernel-lib/train/choose-engine.ts';
import { studyTrainEngine, trainEngineKey } from '../../kernel-lib/experiments/study-train-engine.ts';
import { miniProfile, paperProfile, quickProfile } from '../../kernel-lib/experiments/profiles.ts';
import { setEnv } from '../../kernel-lib/runtime/settings.ts';

function withEnv(value: string | undefined, body: () => void): void {
  const before = process.env.LAB_TRAIN_ENGINE;
  try {
    if (value === undefined) delete process.env.LAB_TRAIN_ENGINE; else setEnv('LAB_TRAIN_ENGINE', value);
    body();
  } finally {
    if (before === undefined) delete process.env.LAB_TRAIN_ENGINE; else process.env.LAB_TRAIN_ENGINE = before;
  }
}

test('LAB_TRAIN_ENGINE: the library default is tfjs; ort and tfjs are read; anything else is refused by name', () => {
  withEnv(undefined, () => assert.equal(trainEngineName(), 'tfjs'));
  withEnv('ort', () => assert.equal(trainEngineName(), 'ort'));
  withEnv('tfjs', () => assert.equal(trainEngineName(), 'tfjs'));
  withEnv('gpu', () => assert.throws(() => trainEngineName(), /LAB_TRAIN_ENGINE=gpu: expected ort or tfjs/));
});

test('the study trains on the profile\'s engine (mini and quick mini: ort, paper: tfjs) unless LAB_TRAIN_ENGINE says otherwise', () => {
  withEnv(undefined, () => {
    assert.equal(studyTrainEngine(miniProfile), 'ort');
    assert.equal(studyTrainEngine(quickProfile(miniProfile)), 'ort');
    assert.equal(studyTrainEngine(paperProfile), 'tfjs');
  });
  withEnv('tfjs', () => assert.equal(studyTrainEngine(miniProfile), 'tfjs'));
  withEnv('ort', () => assert.equal(studyTrainEngine(paperProfile), 'ort'));
  withEnv('gpu', () => assert.throws(() => studyTrainEngine(miniProfile), /LAB_TRAIN_ENGINE=gpu/));
});

test('step keys: tfjs keeps the keys steps had before the ONNX Runtime engine; ort adds trainEngine', () => {
  assert.deepEqual(trainEngineKey('tfjs'), {});
  assert.deepEqual(trainEngineKey('ort'), { trainEngine: 'ort' });
});
