/** LAB_TRAIN_ENGINE names the training engine of runs that name none; the study's steps train on
 *  the profile's engine unless it is set, and key on the engine they use. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainEngineName } from '../../kernel-lib/train/choose-engine.ts';
import { studyTrainEngine, trainEngineKey } from '../../kernel-lib/experiments/study-train-engine.ts';
import { miniProfile, paperProfile, quickProfile } from '../../kernel-lib/experiments/profiles.ts';
import { withEnv } from '../helpers/with-env.ts';

const withEngine = (value: string | undefined, body: () => void): void => withEnv('LAB_TRAIN_ENGINE', value, body);

test('LAB_TRAIN_ENGINE: the library default is tfjs; ort and tfjs are read; anything else is refused by name', () => {
  withEngine(undefined, () => assert.equal(trainEngineName(), 'tfjs'));
  withEngine('ort', () => assert.equal(trainEngineName(), 'ort'));
  withEngine('tfjs', () => assert.equal(trainEngineName(), 'tfjs'));
  withEngine('gpu', () => assert.throws(() => trainEngineName(), /LAB_TRAIN_ENGINE=gpu: expected ort or tfjs/));
});

test('the study trains on the profile\'s engine (mini and quick mini: ort, paper: tfjs) unless LAB_TRAIN_ENGINE says otherwise', () => {
  withEngine(undefined, () => {
    assert.equal(studyTrainEngine(miniProfile), 'ort');
    assert.equal(studyTrainEngine(quickProfile(miniProfile)), 'ort');
    assert.equal(studyTrainEngine(paperProfile), 'tfjs');
  });
  withEngine('tfjs', () => assert.equal(studyTrainEngine(miniProfile), 'tfjs'));
  withEngine('ort', () => assert.equal(studyTrainEngine(paperProfile), 'ort'));
  withEngine('gpu', () => assert.throws(() => studyTrainEngine(miniProfile), /LAB_TRAIN_ENGINE=gpu/));
});

test('step keys: ort adds trainEngine (tfjs does not, as before the ONNX Runtime engine); both carry the training arithmetic version', () => {
  assert.deepEqual(trainEngineKey('tfjs'), { trainingNumerics: 2 });
  assert.deepEqual(trainEngineKey('ort'), { trainEngine: 'ort', trainingNumerics: 2 });
});
