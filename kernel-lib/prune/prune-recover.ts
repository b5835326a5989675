/**
 * Prune, recover, measure: the one flow the study's pruning step, the schedule and criteria
 * studies and `lab prune` share. The model is pruned on a schedule (prune.ts); after each pruning
 * step it is recovered by language-model fine-tuning on the recovery corpus's train blocks
 * (`recoverModel`, the only recovery fine-tuning call), and held-out perplexity is measured
 * before pruning, after each prune and after each recovery.
 *
 * The recovery budget is given in tokens for the WHOLE schedule (one-shot spends it once,
 * iterative splits it evenly over its iterations, so both get the same budget) or, when
 * `epochsPerIteration` is set, as epochs of the train blocks per iteration.
 */
import { join } from 'node:path';
import { finetune } from '../train/finetune.ts';
import type { Block } from '../data/packing.ts';
import type { LanguageModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import { prune, type EvaluationPoint, type PruneLog } from './prune.ts';
import type { PruneConfig } from './prune-config.ts';
import { recoveryData, type RecoveryData, type RecoveryPlan } from './recovery-data.ts';
import { heldOutBlockLosses, pooledPerplexity } from './held-out-block-losses.ts';
import { resolvePruneTarget, type PruneTarget } from './prune-target.ts';

/** How the recovery runs are executed (not what they compute, except `seed`). */
export interface RecoveryRunOptions {
  readonly seed: number;             // recovery of iteration i uses seed + i
  readonly saveEvery: number;        // checkpoint every N updates inside the run folder (0 = never)
  readonly logEvery?: number;        // training log cadence (finetune's default otherwise)
  readonly resume: boolean;          // continue an interrupted recovery run from its checkpoint
  readonly handleSigint: boolean;    // Ctrl-C stops after the current update, saving first
  readonly dropout?: boolean;        // dropout during recovery (finetune's default otherwise)
  readonly engine?: 'ort' | 'tfjs';  // training engine (finetune's choice otherwise: LAB_TRAIN_ENGINE, else ort where it can run the job)
}

/** Optimizer steps of one recovery round: the token budget split over iterations, or epochs of the train blocks. */
export function recoveryStepsPerIteration(plan: RecoveryPlan, iterations: number, trainBlocks: number, blockSize: number): number {
  if (plan.epochsPerIteration !== null) return Math.max(1, Math.round((plan.epochsPerIteration * trainBlocks) / plan.batchSize));
  const totalSteps = Math.max(1, Math.round(plan.tokens / (plan.batchSize * blockSize)));
  return Math.max(1, Math.round(totalSteps / iterations));
}

export interface RecoveryRun {
  readonly model: LanguageModel;
  readonly tokens: number;
  readonly losses: { readonly steps: number[]; readonly losses: number[] };
}

/**
 * One recovery run: `steps` updates of constant-lr language-model fine-tuning of `model` on
 * `train`, checkpointed in `runDir`. The pruning flow calls it after each prune; the schedule study
 * also calls it on the unpruned model (the dense control).
 */
export async function recoverModel(
  model: LanguageModel, train: readonly Block[], plan: RecoveryPlan, steps: number, runDir: string,
  run: RecoveryRunOptions, iteration: number, describe: Readonly<Record<string, unknown>>,
): Promise<RecoveryRun> {
  const r = await finetune(model, train as Block[], {
    steps, batchSize: plan.batchSize, lr: plan.lr, schedule: 'constant', warmupSteps: 0,
    ...(run.dropout !== undefined ? { dropout: run.dropout } : {}), ...(run.logEvery !== undefined ? { logEvery: run.logEvery } : {}),
    seed: run.seed + iteration, evalEvery: 0, saveEvery: run.saveEvery, resume: run.resume, runDir,
  }, { handleSigint: run.handleSigint, describe, ...(run.engine !== undefined ? { engine: run.engine } : {}) });
  const steps_: number[] = [];
  const losses: number[] = [];
  for (const rec of r.log.records) if (rec.loss !== null) { steps_.push(rec.step); losses.push(rec.loss); }
  return { model: r.model, tokens: r.log.tokensSeen, losses: { steps: steps_, losses } };
}

export interface PruneRecoverSpec {
  readonly prune: PruneConfig | PruneTarget;   // with its schedule; a target resolved once (resolvePruneTarget) is used as it is
  readonly recovery: RecoveryPlan;
  readonly recover: boolean;                   // false: prune and measure only
  readonly run: RecoveryRunOptions;
  /** Recovery steps per iteration; default from the plan's budget (recoveryStepsPerIteration). */
  readonly steps?: number;
  /** Measure held-out perplexity (default true). */
  readonly measure?: boolean;
  /** The measurement itself (default: the pooled perplexity of heldOutBlockLosses on the validation blocks); the schedule study passes one
   *  that also keeps each model's per-block losses. */
  readonly evaluate?: (model: LanguageModel, at: EvaluationPoint) => Promise<number>;
  /** Extra identity folded into prune()'s resume hash. */
  readonly recipe?: unknown;
  readonly describe?: Readonly<Record<string, unknown>>;
  /** Called after each finished iteration (progress). */
  readonly onIteration?: (iteration: number, iterations: number) => void;
}

export interface PruneRecoverResult {
  readonly model: LanguageModel;
  readonly log: PruneLog;
  readonly steps: number;                      // recovery updates per iteration (0 when not recovering)
  readonly recoveryTokens: number;             // tokens actually spent by the runs of this process
  readonly recoveryCurve: { readonly steps: number[]; readonly losses: number[] };  // concatenated over iterations
  readonly data: RecoveryData;
}

/**
 * Prunes `model` (not disposed) per `spec`, writing per-iteration checkpoints and recovery runs
 * under `outDir` (an interrupted run resumes there). `data` may be given when the caller already
 * built the recovery blocks (the studies reuse them across schedules).
 */
export async function pruneAndRecover(
  model: LanguageModel, tokenizer: Tokenizer, spec: PruneRecoverSpec, outDir: string,
  dataDir: string | null, data?: RecoveryData,
): Promise<PruneRecoverResult> {
  const target = resolvePruneTarget(spec.prune);
  const d = data ?? await recoveryData(spec.recovery, tokenizer, model.config.maxPositions, target.config.calibrationSamples, dataDir);
  const iterations = target.fractions.length;
  const steps = spec.recover ? spec.steps ?? recoveryStepsPerIteration(spec.recovery, iterations, d.train.length, d.blockSize) : 0;
  const curve = { steps: [] as number[], losses: [] as number[] };
  let tokens = 0;
  const recover = steps > 0 ? async (m: LanguageModel, info: { iteration: number }) => {
    const r = await recoverModel(m, d.train, spec.recovery, steps, join(outDir, `recover-${info.iteration}`), spec.run, info.iteration,
      { step: 'prune-recovery', schedule: target.config.schedule, iteration: info.iteration, ...(spec.describe ?? {}) });
    tokens += r.tokens;
    const offset = curve.steps.length;
    r.losses.steps.forEach((s, i) => { curve.steps.push(offset + s); curve.losses.push(r.losses.losses[i]!); });
    return r.model;
  } : undefined;
  const res = await prune(model, target, {
    calibration: d.calibration, recover, outDir,
    evaluate: spec.measure === false ? undefined : spec.evaluate ?? (async (m) => pooledPerplexity(await heldOutBlockLosses(m, d.validation))),
    recipe: spec.recipe ?? { recovery: spec.recovery, steps }, onIteration: spec.onIteration,
  });
  return { model: res.model, log: res.log, steps, recoveryTokens: tokens, recoveryCurve: curve, data: d };
}
