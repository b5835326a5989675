/** LAB_TRAIN_ENGINE names the training engine of runs that name none; unset, the default is ort
 *  wherever it can run the job, else tfjs with the reason; the study's steps train on the
 *  profile's engine unless it is set, and key on the engine they use. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultTrainEngine, trainEngineName } from '../../kernel-lib/train/choose-engine.ts';
import { lmObjective } from '../../kernel-lib/train/lm-objective.ts';
import type { Objective } from '../../kernel-lib/train/objective.ts';
import { studyTrainEngine, trainEngineKey } from '../../kernel-lib/experiments/study-train-engine.ts';
import { miniProfile, paperProfile, quickProfile } from '../../kernel-lib/experiments/profiles.ts';
import { withEnv } from '../helpers/with-env.ts';

const withEngine = (value: string | undefined, body: () => void): void => withEnv('LAB_TRAIN_ENGINE', value, body);

test('LAB_TRAIN_ENGINE: unset names none; ort and tfjs are read; anything else is refused by name', () => {
  withEngine(undefined, () => assert.equal(trainEngineName(), null));
  withEngine('ort', () => assert.equal(trainEngineName(), 'ort'));
  withEngine('tfjs', () => assert.equal(trainEngineName(), 'tfjs'));
  withEngine('gpu', () => assert.throws(() => trainEngineName(), /LAB_TRAIN_ENGINE=gpu: expected ort or tfjs/));
});

test('the default engine: ort for next-token loss on a family with an ONNX description; tfjs, with the reason, for a custom objective, replicas or an optimizer placement, or another family', () => {
  withEnv('LAB_TRAIN_REPLICAS', undefined, () => {
    assert.deepEqual(defaultTrainEngine('gpt2', {}, lmObjective), { engine: 'ort', why: null });
    for (const family of ['llama', 'olmo', 'qwen2']) assert.deepEqual(defaultTrainEngine(family, {}, lmObjective), { engine: 'ort', why: null }, family);
    const custom = { ...lmObjective } as Objective;
    assert.match(JSON.stringify(defaultTrainEngine('gpt2', {}, custom)), /"tfjs".*custom objective/);
    assert.match(JSON.stringify(defaultTrainEngine('gpt2', { replicas: 2 }, lmObjective)), /"tfjs".*replicas/);
    assert.match(JSON.stringify(defaultTrainEngine('gpt2', { optimizer: 'host' }, lmObjective)), /"tfjs".*optimizer/);
    assert.match(JSON.stringify(defaultTrainEngine('mamba', {}, lmObjective)), /"tfjs".*mamba family has no ONNX description/);
  });
  withEnv('LAB_TRAIN_REPLICAS', '2', () => assert.match(JSON.stringify(defaultTrainEngine('gpt2', {}, lmObjective)), /"tfjs".*replicas/));
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
