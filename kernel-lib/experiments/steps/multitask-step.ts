/**
 * Step `multitask-finetune`: the study's multi-task fine-tuning (SIQA, PIQA, OpenBookQA, HotpotQA,
 * BillSum combined) of a base model; the tuned checkpoint is saved in the step folder.
 * Resumable: the training run checkpoints inside the step folder.
 * Training seed s (experiments/study-seeds.ts) adds s to the train config's seed (data order); seed 0
 * leaves the config, hence the key, as it was before seeds existed.
 */
import { join } from 'node:path';
import { multitaskFinetune, multitaskDefaults } from '../../train/multitask.ts';
import { resolveTrainConfig } from '../../train/train-config.ts';
import { mixtureDefaults } from '../../data/mixture.ts';
import { formatDefaults } from '../../data/formatters.ts';
import { finetuneInputs } from '../input-manifest.ts';
import { saveModel } from '../../model/save-model.ts';
import { saveTokenizer } from '../../tokenizer/save-tokenizer.ts';
import { cachedStep, type StepOutcome } from '../step-cache.ts';
import { studyTrainEngine, trainEngineKey } from '../study-train-engine.ts';
import { checkpointKey, openStudyModel, studyDataDir } from '../study-inputs.ts';
import { disposeModel } from '../../model/dispose-model.ts';
import type { MixturePlanRow } from '../../data/mixture.ts';
import type { Profile } from '../profiles.ts';
import { inPhase } from '../../runtime/wall-profile.ts';

export interface MultitaskStepResult {
  readonly base: string;
  readonly modelDir: string;
  readonly steps: number;
  readonly tokensSeen: number;
  readonly seconds: number;
  readonly finalTrainLoss: number | null;
  readonly finalValLoss: number | null;
  readonly curve: { readonly steps: number[]; readonly losses: number[]; readonly valSteps: number[]; readonly valLosses: number[] };
  readonly mixture: readonly MixturePlanRow[];
}

/** The profile's multi-task config for training seed `seed`: unchanged for seed 0, the train seed shifted by `seed` otherwise. */
export function seededMultitask(profile: Profile, seed = 0): Profile['multitask'] {
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`multitaskStep: seed must be an integer >= 0, got ${seed}`);
  if (seed === 0) return profile.multitask;
  const train = { ...multitaskDefaults.train, ...profile.multitask.train };
  return { ...profile.multitask, train: { ...profile.multitask.train, seed: (train.seed ?? 0) + seed } };
}

export async function multitaskStep(profile: Profile, baseDir: string, seed = 0): Promise<StepOutcome<MultitaskStepResult>> {
  const dataDir = studyDataDir(profile);
  const multitask = seededMultitask(profile, seed);
  // The resolved config (defaults filled in) and the identity of every input.
  const m = { ...multitaskDefaults, ...multitask };
  const resolved = {
    ...m, dataDir: undefined, mixture: { ...mixtureDefaults, ...m.mixture }, format: { ...formatDefaults, ...m.format },
    train: resolveTrainConfig({ ...multitaskDefaults.train, ...m.train, runDir: '', resume: true, saveEvery: m.train?.saveEvery ?? 20 }),
  };
  const engine = studyTrainEngine(profile);
  const key = { base: checkpointKey(baseDir), multitask: resolved, inputs: finetuneInputs(dataDir), ...trainEngineKey(engine) };
  return cachedStep('multitask-finetune', key, async (dir) => {
    const base = await openStudyModel(baseDir);
    try {
      const train = { ...multitask.train, runDir: join(dir, 'run'), resume: true, saveEvery: multitask.train?.saveEvery ?? 20 };
      const { model, log, plan } = await inPhase('train', () => multitaskFinetune(base.model, base.tokenizer, { ...multitask, dataDir, train }, { handleSigint: true, engine }));
      const modelDir = join(dir, 'model');
      await inPhase('save', () => saveModel(model, modelDir));
      saveTokenizer(base.dir, modelDir);
      disposeModel(model);
      const tr = log.records.filter((r) => r.loss !== null);
      const ev = log.records.filter((r) => r.valLoss !== undefined);
      return {
        base: baseDir, modelDir, steps: log.stepsDone, tokensSeen: log.tokensSeen, seconds: log.seconds,
        finalTrainLoss: log.finalTrainLoss, finalValLoss: log.finalValLoss,
        curve: { steps: tr.map((r) => r.step), losses: tr.map((r) => r.loss!), valSteps: ev.map((r) => r.step), valLosses: ev.map((r) => r.valLoss!) },
        mixture: plan,
      };
    } finally {
      disposeModel(base.model);
    }
  });
}
