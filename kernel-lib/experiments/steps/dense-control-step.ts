/**
 * Step `dense-control`: a checkpoint given the SAME recovery training as a one-shot prune step of the
 * same plan (prune-step.ts), without pruning: the same train blocks, tokens, batch size, learning rate
 * and seed (so the same batches in the same order), through the same recoverModel call. Set beside the
 * one-shot pruned and recovered model it separates what the cut costs from what the extra training
 * buys: the mini models are under-trained, so recovery training can lower perplexity below the
 * unpruned model's without telling anything about pruning. Keeps the per-block held-out losses of the
 * start model and the trained one on the prune step's validation blocks, and saves the trained model.
 * Its key is the prune step's inputs without the prune config, under its own step name. Training seed s
 * (experiments/study-seeds.ts) recovers with the seed of the one-shot prune step of seed s; seed 0 keeps the old key.
 */
import { join } from 'node:path';
import { recoverModel } from '../../prune/prune-recover.ts';
import { recoveryData, VALIDATION_DRAW } from '../../prune/recovery-data.ts';
import { heldOutBlockLosses, pooledPerplexity } from '../../prune/held-out-block-losses.ts';
import type { BlockLoss } from '../../stats/perplexity-stderr.ts';
import { saveModel } from '../../model/save-model.ts';
import { saveTokenizer } from '../../tokenizer/save-tokenizer.ts';
import { disposeModel } from '../../model/dispose-model.ts';
import { cachedStep, stepLocation, type StepOutcome } from '../step-cache.ts';
import { studyTrainEngine, trainEngineKey } from '../study-train-engine.ts';
import { checkpointKey, openStudyModel, studyDataDir } from '../study-inputs.ts';
import { corpusHash, folderHash } from '../input-manifest.ts';
import { formatterVersions } from '../../data/formatters.ts';
import type { PrunePlanConfig, Profile } from '../profiles.ts';
import { inPhase } from '../../runtime/wall-profile.ts';
import { recoverySteps, studyRecoveryRun } from './prune-step.ts';

export interface DenseControlStepResult {
  readonly modelDir: string;
  readonly layout: 'hf' | 'lab';
  readonly layoutReason: string;
  readonly recoverySteps: number;      // optimizer updates: the one-shot prune step's
  readonly recoveryTokens: number;     // tokens of recovery training actually spent
  readonly recoveryCurve: { readonly steps: number[]; readonly losses: number[] };
  readonly perplexity: { readonly before: number; readonly after: number };   // pooled over the validation blocks
  /** Per-block held-out NLL of the start model and the trained one, on the prune step's validation blocks. */
  readonly blockLosses: { readonly base: readonly BlockLoss[]; readonly final: readonly BlockLoss[] };
}

/** What the step's key hashes: the start checkpoint, the recovery plan and run, the corpus and how validation is drawn. */
function denseControlInputs(profile: Profile, plan: PrunePlanConfig, startDir: string, seed: number) {
  const corpus = plan.recovery.corpus;
  const dataDir = corpus.kind === 'source' ? studyDataDir(profile) : null;
  const keyInput: Record<string, unknown> = {
    start: checkpointKey(startDir), recovery: plan.recovery, schedule: 'one-shot', run: studyRecoveryRun(seed),
    inputs: { corpus: corpus.kind === 'mini' ? corpusHash(corpus.corpora) : folderHash(dataDir!), formatter: formatterVersions.text },
    validation: VALIDATION_DRAW, ...trainEngineKey(studyTrainEngine(profile)),
  };
  return { dataDir, keyInput };
}

/** The step name, key and folder the dense control uses, without running it. */
export function denseControlStepLocation(profile: Profile, plan: PrunePlanConfig, startDir: string, seed = 0): { step: string; keyInput: Record<string, unknown>; key: string; dir: string } {
  const { keyInput } = denseControlInputs(profile, plan, startDir, seed);
  return { step: 'dense-control', keyInput, ...stepLocation('dense-control', keyInput) };
}

export async function denseControlStep(profile: Profile, plan: PrunePlanConfig, startDir: string, seed = 0): Promise<StepOutcome<DenseControlStepResult>> {
  const { dataDir, keyInput } = denseControlInputs(profile, plan, startDir, seed);
  return cachedStep('dense-control', keyInput, async (dir) => {
    const start = await openStudyModel(startDir);
    try {
      const data = await recoveryData(plan.recovery, start.tokenizer, start.model.config.maxPositions, 0, dataDir);
      const base = await inPhase('forward', () => heldOutBlockLosses(start.model, data.validation));
      const steps = recoverySteps(plan, 'one-shot', data.train.length, data.blockSize);
      // Iteration 1, as the one-shot prune step's only recovery round: the same seed, hence the same batches.
      const r = await inPhase('prune + recover', () => recoverModel(start.model, data.train, plan.recovery, steps, join(dir, 'recover-1'), { ...studyRecoveryRun(seed), engine: studyTrainEngine(profile) }, 1,
        { step: 'dense-control' }));
      try {
        const saved = await inPhase('save', () => saveModel(r.model, join(dir, 'model'), { layout: 'auto' }));
        saveTokenizer(start.dir, saved.dir);
        const final = await inPhase('forward', () => heldOutBlockLosses(r.model, data.validation));
        return {
          modelDir: saved.dir, layout: saved.layout, layoutReason: saved.reason, recoverySteps: steps, recoveryTokens: r.tokens, recoveryCurve: r.losses,
          perplexity: { before: pooledPerplexity(base), after: pooledPerplexity(final) }, blockLosses: { base, final },
        };
      } finally {
        disposeModel(r.model);
      }
    } finally {
      disposeModel(start.model);
    }
  });
}
