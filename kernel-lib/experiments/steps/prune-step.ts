/**
 * Step `prune-recover`: prune a (fine-tuned) checkpoint on a schedule, recovering with language-model
 * fine-tuning on the recovery corpus after each pruning step, and track held-out perplexity. The
 * final model is saved in the step folder (Hugging Face layout when the shapes allow it).
 * Resumable: prune() keeps per-iteration checkpoints and the recovery runs keep theirs.
 */
import { join } from 'node:path';
import { prune, type PruneLog } from '../../prune/prune.ts';
import { resolvePruneConfig, type ScheduleName } from '../../prune/prune-config.ts';
import { heldOutPerplexity } from '../../prune/study/held-out-perplexity.ts';
import { heldOutBlockLosses } from '../../prune/study/held-out-block-losses.ts';
import type { BlockLoss } from '../../stats/perplexity-stderr.ts';
import { measureCost } from '../../prune/measure-cost.ts';
import { finetune } from '../../train/finetune.ts';
import { saveModel } from '../../model/save-model.ts';
import { saveTokenizer } from '../../tokenizer/save-tokenizer.ts';
import type { LanguageModel } from '../../model/types.ts';
import { cachedStep, type StepOutcome } from '../step-cache.ts';
import { checkpointKey, openStudyModel, studyDataDir } from '../study-inputs.ts';
import { disposeModel } from '../../model/dispose-model.ts';
import { recoveryData } from '../recovery-data.ts';
import type { PrunePlanConfig, Profile } from '../profiles.ts';

export interface PruneStepResult {
  readonly schedule: ScheduleName;
  readonly modelDir: string;
  readonly layout: 'hf' | 'lab';
  readonly log: PruneLog;
  readonly recoveryTokens: number;     // tokens of recovery fine-tuning actually spent
  readonly recoveryCurve: { readonly steps: number[]; readonly losses: number[] };  // concatenated over iterations
  readonly latencyMs: { readonly before: number | null; readonly after: number | null };  // forward, batch 1, 128 tokens
  /** Per-block held-out NLL of the start model and the final (pruned + recovered) model on the same
   *  validation blocks, for perplexity stderrs and paired tests (stats/perplexity-stderr.ts). */
  readonly blockLosses?: { readonly base: readonly BlockLoss[]; readonly final: readonly BlockLoss[] };
}

/** Optimizer steps of one recovery round: the token budget split over iterations, or epochs of the corpus. */
export function recoverySteps(plan: PrunePlanConfig, schedule: ScheduleName, trainBlocks: number, blockSize: number): number {
  const r = plan.recovery;
  const iterations = schedule === 'one-shot' ? 1 : resolvePruneConfig(plan.prune).iterations;
  if (r.epochsPerIteration !== null) return Math.max(1, Math.round((r.epochsPerIteration * trainBlocks) / r.batchSize));
  const totalSteps = Math.max(1, Math.round(r.tokens / (r.batchSize * blockSize)));
  return Math.max(1, Math.round(totalSteps / iterations));
}

async function latencyMs(model: LanguageModel, quick: boolean): Promise<number | null> {
  if (quick) return null;
  const cost = await measureCost(model, { batches: [1], repeats: 3 });
  return cost.latency[0]?.ms ?? null;
}

export async function pruneStep(profile: Profile, plan: PrunePlanConfig, schedule: ScheduleName, startDir: string): Promise<StepOutcome<PruneStepResult>> {
  const key = { start: checkpointKey(startDir), plan, schedule, quick: profile.quick };
  return cachedStep(`prune-${schedule}`, key, async (dir) => {
    const start = await openStudyModel(startDir);
    const pcfg = resolvePruneConfig({ ...plan.prune, schedule });
    const dataDir = plan.recovery.corpus.kind === 'source' ? studyDataDir(profile) : null;
    const data = await recoveryData(plan.recovery, start.tokenizer, start.model.config.maxPositions, pcfg.calibrationSamples, dataDir);
    const steps = recoverySteps(plan, schedule, data.train.length, data.blockSize);
    const curve = { steps: [] as number[], losses: [] as number[] };
    let tokens = 0;
    const before = await latencyMs(start.model, profile.quick);
    const baseBlocks = await heldOutBlockLosses(start.model, data.validation);
    const recover = steps > 0 ? async (m: LanguageModel, info: { iteration: number }) => {
      const r = await finetune(m, data.train, {
        steps, batchSize: plan.recovery.batchSize, lr: plan.recovery.lr, schedule: 'constant', warmupSteps: 0, dropout: false,
        seed: info.iteration, evalEvery: 0, saveEvery: 20, resume: true, runDir: join(dir, `recover-${info.iteration}`),
      }, { handleSigint: true, describe: { step: 'prune-recovery', schedule, iteration: info.iteration } });
      tokens += r.log.tokensSeen;
      const offset = curve.steps.length;
      for (const rec of r.log.records) if (rec.loss !== null) { curve.steps.push(offset + rec.step); curve.losses.push(rec.loss); }
      return r.model;
    } : undefined;
    try {
      const res = await prune(start.model, pcfg, {
        calibration: data.calibration, evaluate: (m) => heldOutPerplexity(m, data.validation), recover,
        outDir: join(dir, 'prune'), recipe: { recovery: plan.recovery, steps },
      });
      const modelDir = join(dir, 'model');
      let layout: 'hf' | 'lab' = 'hf';
      try { await saveModel(res.model, modelDir); } catch { layout = 'lab'; await saveModel(res.model, modelDir, { layout: 'lab' }); }
      saveTokenizer(start.dir, modelDir);
      const after = await latencyMs(res.model, profile.quick);
      const finalBlocks = await heldOutBlockLosses(res.model, data.validation);
      disposeModel(res.model);
      return { schedule, modelDir, layout, log: res.log, recoveryTokens: tokens, recoveryCurve: curve, latencyMs: { before, after }, blockLosses: { base: baseBlocks, final: finalBlocks } };
    } finally {
      disposeModel(start.model);
    }
  });
}
