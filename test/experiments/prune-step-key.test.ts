/**
 * The prune step's cache key: a recovering step hashes its start checkpoint, resolved prune config,
 * recovery plan, run options, latency flag, corpus and formatter identities and how the validation
 * blocks are drawn ('documents-round-robin': steps cached with the earlier first-blocks draw get other
 * keys); the step without recovery hashes the same plus `recover: false`, so it gets a folder of its own.
 * The dense-control step hashes the start checkpoint, recovery plan, schedule 'one-shot', run options,
 * inputs and draw under its own step name, so its folder differs from every prune step's. The expected
 * keys are built here by hand from those parts, for every GPT-2 and OLMo-role plan and schedule of the
 * mini profile (full and quick). The mini profile trains on ONNX Runtime, so the training steps (with
 * recovery, dense control) also carry `trainEngine: 'ort'` (not with LAB_TRAIN_ENGINE=tfjs) and the version of
 * the training arithmetic (`trainingNumerics: 2`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, saveModel, getProfile, type PrunePlanConfig } from '../../kernel-lib/index.ts';
import { resolvePruneConfig } from '../../kernel-lib/prune/prune-config.ts';
import { checkpointKey } from '../../kernel-lib/experiments/study-inputs.ts';
import { corpusHash } from '../../kernel-lib/experiments/input-manifest.ts';
import { formatterVersions } from '../../kernel-lib/data/formatters.ts';
import { stepLocation } from '../../kernel-lib/experiments/step-cache.ts';
import { pruneStepLocation } from '../../kernel-lib/experiments/steps/prune-step.ts';
import { denseControlStepLocation } from '../../kernel-lib/experiments/steps/dense-control-step.ts';
import { tinyModel, disposeModel } from '../helpers/tiny-gpt2.ts';

test('prune step keys name the validation draw, recover: false added without; the dense control has its own', async () => {
  await initBackend({ quiet: true });
  delete process.env.LAB_TRAIN_ENGINE;   // the profile's engine (this test process only)
  const root = mkdtempSync(join(tmpdir(), 'lab-prune-key-'));
  process.env.LAB_RESULTS_DIR = join(root, 'results');
  const dir = join(root, 'tiny');
  const { model } = tinyModel({ V: 64, P: 16, C: 8, L: 1, H: 2 }, 7);
  await saveModel(model, dir);
  disposeModel(model);
  const run = { seed: 0, saveEvery: 20, resume: true, handleSigint: true, dropout: false };
  let checked = 0;
  for (const quick of [false, true]) {
    const profile = getProfile('mini', { quick });
    const plans: PrunePlanConfig[] = [profile.gpt2Prune, { prune: profile.gpt2Prune.prune, recovery: profile.gpt2Prune.iterativeRecovery.equal },
      { prune: profile.gpt2Prune.prune, recovery: profile.gpt2Prune.iterativeRecovery['write-up'] }, profile.olmoPrune];
    for (const plan of plans) for (const schedule of ['one-shot', 'iterative'] as const) {
      const corpus = plan.recovery.corpus;
      assert.equal(corpus.kind, 'mini');
      if (corpus.kind !== 'mini') continue;
      const base = {
        start: checkpointKey(dir), prune: resolvePruneConfig({ ...plan.prune, schedule }), recovery: plan.recovery, run, measureLatency: profile.measureLatency,
        inputs: { corpus: corpusHash(corpus.corpora), formatter: formatterVersions.text }, validation: 'documents-round-robin',
      };
      const recovering = { ...base, trainEngine: 'ort', trainingNumerics: 2 };
      const withRecovery = pruneStepLocation(profile, plan, schedule, dir);
      assert.equal(withRecovery.step, `prune-${schedule}`);
      assert.deepEqual(withRecovery.keyInput, recovering);
      assert.equal(withRecovery.key, stepLocation(`prune-${schedule}`, recovering).key);
      assert.deepEqual(pruneStepLocation(profile, plan, schedule, dir, { recover: true }), withRecovery, 'recover: true is the default');
      const without = pruneStepLocation(profile, plan, schedule, dir, { recover: false });
      assert.deepEqual(without.keyInput, { ...base, recover: false }, 'no training, no engine in the key');
      assert.equal(without.key, stepLocation(`prune-${schedule}`, { ...base, recover: false }).key);
      assert.notEqual(without.key, withRecovery.key);
      assert.notEqual(without.dir, withRecovery.dir);
      const dense = denseControlStepLocation(profile, plan, dir);
      const denseInput = { start: checkpointKey(dir), recovery: plan.recovery, schedule: 'one-shot', run,
        inputs: { corpus: corpusHash(corpus.corpora), formatter: formatterVersions.text }, validation: 'documents-round-robin', trainEngine: 'ort', trainingNumerics: 2 };
      assert.deepEqual(dense.keyInput, denseInput);
      assert.equal(dense.step, 'dense-control');
      assert.equal(dense.key, stepLocation('dense-control', denseInput).key);
      for (const other of [withRecovery, without]) { assert.notEqual(dense.key, other.key); assert.notEqual(dense.dir, other.dir); }
      process.env.LAB_TRAIN_ENGINE = 'tfjs';
      try {
        assert.deepEqual(pruneStepLocation(profile, plan, schedule, dir).keyInput, { ...base, trainingNumerics: 2 }, 'tfjs training: no engine name in the key');
        const { trainEngine: _ort, ...denseTfjs } = denseInput;
        assert.deepEqual(denseControlStepLocation(profile, plan, dir).keyInput, denseTfjs);
      } finally { delete process.env.LAB_TRAIN_ENGINE; }
      checked++;
    }
  }
  assert.equal(checked, 16);
  rmSync(root, { recursive: true, force: true });
});
