/**
 * Training seeds (experiments/study-seeds.ts): how many (LAB_SEEDS over the profile's, validated), and
 * their cache keys: seed 0 keeps the keys the single-seed study had (built here by hand as in
 * prune-step-key.test.ts), seed 1 gets new ones (recovery runs seeded 1; the dense control seeded as its
 * one-shot sibling); the step without recovery trains nothing and ignores the seed; the multi-task
 * config is the profile's own for seed 0 and differs only in its train seed otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, saveModel, getProfile } from '../../kernel-lib/index.ts';
import { seedCount, studySeeds } from '../../kernel-lib/experiments/study-seeds.ts';
import { resolvePruneConfig } from '../../kernel-lib/prune/prune-config.ts';
import { checkpointKey } from '../../kernel-lib/experiments/study-inputs.ts';
import { corpusHash } from '../../kernel-lib/experiments/input-manifest.ts';
import { formatterVersions } from '../../kernel-lib/data/formatters.ts';
import { stepLocation } from '../../kernel-lib/experiments/step-cache.ts';
import { pruneStepLocation } from '../../kernel-lib/experiments/steps/prune-step.ts';
import { denseControlStepLocation } from '../../kernel-lib/experiments/steps/dense-control-step.ts';
import { seededMultitask } from '../../kernel-lib/experiments/steps/multitask-step.ts';
import { withEnv } from '../helpers/with-env.ts';
import { tinyModel, disposeModel } from '../helpers/tiny-gpt2.ts';

const withSeeds = (value: string | undefined, body: () => void): void => withEnv('LAB_SEEDS', value, body);

test('seeds: the profile\'s (1 for mini, quick and paper) unless LAB_SEEDS says otherwise; anything but a positive integer is refused by name', () => {
  withSeeds(undefined, () => {
    for (const name of ['mini', 'quick', 'paper']) assert.deepEqual(studySeeds(getProfile(name)), [0], name);
    assert.deepEqual(studySeeds({ seeds: 2 }), [0, 1]);
  });
  withSeeds('3', () => assert.deepEqual(studySeeds(getProfile('mini')), [0, 1, 2]));
  withSeeds('1', () => assert.equal(seedCount({ seeds: 4 }), 1));
  for (const bad of ['0', '-2', '1.5', 'three', '3x']) {
    withSeeds(bad, () => assert.throws(() => studySeeds(getProfile('mini')), new RegExp(`^Error: LAB_SEEDS=${bad.replace('.', '\\.')}: expected a positive integer`)));
  }
});

test('seed 0 keeps the single-seed keys; seed 1 recovers with seeds from 1000 under new keys; the cut without recovery ignores the seed', async () => {
  await initBackend({ quiet: true });
  delete process.env.LAB_TRAIN_ENGINE;
  const root = mkdtempSync(join(tmpdir(), 'lab-seed-key-'));
  process.env.LAB_RESULTS_DIR = join(root, 'results');
  try {
    const dir = join(root, 'tiny');
    const { model } = tinyModel({ V: 64, P: 16, C: 8, L: 1, H: 2 }, 7);
    await saveModel(model, dir);
    disposeModel(model);
    const profile = getProfile('mini', { quick: true });
    const plan = profile.gpt2Prune;
    const corpus = plan.recovery.corpus;
    assert.equal(corpus.kind, 'mini');
    if (corpus.kind !== 'mini') return;
    // Today's (pre-seed) key, by hand.
    const run = { seed: 0, saveEvery: 20, resume: true, handleSigint: true, dropout: false };
    const today = {
      start: checkpointKey(dir), prune: resolvePruneConfig({ ...plan.prune, schedule: 'one-shot' }), recovery: plan.recovery, run, measureLatency: profile.measureLatency,
      inputs: { corpus: corpusHash(corpus.corpora), formatter: formatterVersions.text }, validation: 'documents-round-robin', trainEngine: 'ort', trainingNumerics: 2,
    };
    const s0 = pruneStepLocation(profile, plan, 'one-shot', dir, { seed: 0 });
    assert.deepEqual(s0.keyInput, today);
    assert.equal(s0.key, stepLocation('prune-one-shot', today).key);
    assert.deepEqual(pruneStepLocation(profile, plan, 'one-shot', dir), s0, 'seed 0 is the default');
    const s1 = pruneStepLocation(profile, plan, 'one-shot', dir, { seed: 1 });
    assert.deepEqual(s1.keyInput, { ...today, run: { ...run, seed: 1000 } }, 'seed 1 recovers from seed 1000 (iterations 1000 + i never meet seed 0\'s 0 + i)');
    assert.notEqual(s1.key, s0.key);
    assert.notEqual(s1.dir, s0.dir);
    assert.deepEqual(pruneStepLocation(profile, plan, 'one-shot', dir, { recover: false, seed: 1 }), pruneStepLocation(profile, plan, 'one-shot', dir, { recover: false }),
      'no training, no seed: its start (the seed\'s fine-tuned model) tells the seeds apart');
    const d0 = denseControlStepLocation(profile, plan, dir), d1 = denseControlStepLocation(profile, plan, dir, 1);
    assert.deepEqual(denseControlStepLocation(profile, plan, dir, 0), d0);
    assert.deepEqual(d0.keyInput.run, run);
    assert.deepEqual(d1.keyInput, { ...d0.keyInput, run: s1.keyInput.run }, 'the dense control recovers with its one-shot sibling\'s seed');
    assert.notEqual(d1.key, d0.key);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('multi-task fine-tuning: seed 0 is the profile\'s config itself (so its key is unchanged); seed s changes only the train seed', () => {
  for (const profile of [getProfile('mini', { quick: false }), getProfile('paper', { quick: false }), getProfile('quick')]) {
    assert.equal(seededMultitask(profile, 0), profile.multitask);
    const s2 = seededMultitask(profile, 2);
    assert.equal(s2.train?.seed, 2);
    const { seed: _seed, ...rest } = s2.train!;
    assert.deepEqual({ ...s2, train: rest }, profile.multitask);
  }
  assert.throws(() => seededMultitask(getProfile('quick'), -1), /seed must be an integer >= 0/);
});
