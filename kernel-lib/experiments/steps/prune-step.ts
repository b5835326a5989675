/**
 * Step `prune-recover`: prune a (fine-tuned) checkpoint on a schedule, recovering with language-model
 * fine-tuning on the recovery corpus after each pruning step, and track held-out perplexity
 * (prune/prune-recover.ts, the flow `lab prune` and the pruning studies share). The final model is
 * saved in the step folder (Hugging Face layout when the shapes allow it, saying why otherwise).
 * Resumable: prune() keeps per-iteration checkpoints and the recovery runs keep theirs.
 * With `{ recover: false }` the step prunes only (no recovery fine-tuning, no latency measurement):
 * the model right after the cut, which the study evaluates before recovery. Its key adds
 * `recover: false`; the recovering step's key has no such field, so its cached results stay valid.
 */
import { join } from 'node:path';
import type { EvaluationPoint, PruneLog } from '../../prune/prune.ts';
import { resolvePruneConfig, type ScheduleName } from '../../prune/prune-config.ts';
import { pruneAndRecover, recoveryStepsPerIteration } from '../../prune/prune-recover.ts';
import { heldOutBlockLosses, pooledPerplexity } from '../../prune/held-out-block-losses.ts';
import { recoveryData, VALIDATION_DRAW } from '../../prune/recovery-data.ts';
import type { BlockLoss } from '../../stats/perplexity-stderr.ts';
import { perplexityUncertainty, type PerplexityUncertainty } from '../../stats/perplexity-uncertainty.ts';
import { measureCost } from '../../prune/measure-cost.ts';
import { saveModel } from '../../model/save-model.ts';
import { saveTokenizer } from '../../tokenizer/save-tokenizer.ts';
import type { LanguageModel } from '../../model/types.ts';
import { cachedStep, stepLocation, type StepOutcome } from '../step-cache.ts';
import { studyTrainEngine, trainEngineKey } from '../study-train-engine.ts';
import { checkpointKey, openStudyModel, studyDataDir } from '../study-inputs.ts';
import { corpusHash, folderHash } from '../input-manifest.ts';
import { formatterVersions } from '../../data/formatters.ts';
import { disposeModel } from '../../model/dispose-model.ts';
import type { PrunePlanConfig, Profile } from '../profiles.ts';
import { inPhase } from '../../runtime/wall-profile.ts';

/** One perplexity of the log (metricBase, metricPruned, metricRecovered) with its 95% interval over the held-out blocks (null under 2 blocks). */
export interface MeasuredPerplexity extends EvaluationPoint { readonly estimate: PerplexityUncertainty | null }

export interface PruneStepResult {
  readonly schedule: ScheduleName;
  readonly modelDir: string;
  readonly layout: 'hf' | 'lab';
  readonly layoutReason: string;
  readonly log: PruneLog;
  readonly recoveryTokens: number;     // tokens of recovery fine-tuning actually spent (0 without recovery)
  readonly recoveryCurve: { readonly steps: number[]; readonly losses: number[] };  // concatenated over iterations
  readonly latencyMs: { readonly before: number | null; readonly after: number | null };  // forward, batch 1, 128 tokens; null without recovery
  /** Per-block held-out NLL of the start model and the final (pruned + recovered, or only pruned when the
   *  step ran without recovery) model on the same validation blocks, for perplexity stderrs and paired
   *  tests (stats/perplexity-stderr.ts). */
  readonly blockLosses?: { readonly base: readonly BlockLoss[]; readonly final: readonly BlockLoss[] };
  /** The log's perplexities with their intervals, in the order measured. Absent from results cached before it
   *  existed; an iteration resumed from an interrupted run was measured then, so it has none here. */
  readonly perplexities?: readonly MeasuredPerplexity[];
}

/** Optimizer steps of one recovery round of a study plan (see recoveryStepsPerIteration). */
export function recoverySteps(plan: PrunePlanConfig, schedule: ScheduleName, trainBlocks: number, blockSize: number): number {
  const iterations = schedule === 'one-shot' ? 1 : resolvePruneConfig(plan.prune).iterations;
  return recoveryStepsPerIteration(plan.recovery, iterations, trainBlocks, blockSize);
}

async function latencyMs(model: LanguageModel, measure: boolean): Promise<number | null> {
  if (!measure) return null;
  const cost = await measureCost(model, { batches: [1], repeats: 3 });
  return cost.latency[0]?.ms ?? null;
}

/** How the study runs its recovery: seed 0 + iteration, checkpoints every 20 updates, resumable, no dropout. */
export const STUDY_RECOVERY_RUN = { seed: 0, saveEvery: 20, resume: true, handleSigint: true, dropout: false } as const;

/** Recovery seeds of training seed s start at s x this, so that iteration i (seeded start + i) of one training seed never
 *  reuses another training seed's batches (seed 1 iteration 1 would otherwise be seed 0 iteration 2). */
export const RECOVERY_SEED_STRIDE = 1000;

/** The recovery run of training seed `seed` (experiments/study-seeds.ts): STUDY_RECOVERY_RUN itself for seed 0 (the keys
 *  steps had before seeds), seeded seed x RECOVERY_SEED_STRIDE otherwise (iteration i then recovers with that + i). */
export function studyRecoveryRun(seed = 0): Omit<typeof STUDY_RECOVERY_RUN, 'seed'> & { readonly seed: number } {
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`studyRecoveryRun: seed must be an integer >= 0, got ${seed}`);
  return seed === 0 ? STUDY_RECOVERY_RUN : { ...STUDY_RECOVERY_RUN, seed: seed * RECOVERY_SEED_STRIDE };
}

export interface PruneStepOptions {
  /** false: prune only, no recovery fine-tuning (default true). */
  readonly recover?: boolean;
  /** Training seed of the recovery runs (default 0; experiments/study-seeds.ts). A step without recovery trains nothing, so it ignores it. */
  readonly seed?: number;
}

/** What a prune step needs and its key hashes: its start checkpoint, configs and inputs; `recover: false` only when it does not recover. */
function pruneStepInputs(profile: Profile, plan: PrunePlanConfig, schedule: ScheduleName, startDir: string, recover: boolean, seed: number) {
  const pcfg = resolvePruneConfig({ ...plan.prune, schedule });
  const corpus = plan.recovery.corpus;
  const dataDir = corpus.kind === 'source' ? studyDataDir(profile) : null;
  const keyInput: Record<string, unknown> = {
    start: checkpointKey(startDir), prune: pcfg, recovery: plan.recovery, run: recover ? studyRecoveryRun(seed) : STUDY_RECOVERY_RUN, measureLatency: profile.measureLatency,
    inputs: { corpus: corpus.kind === 'mini' ? corpusHash(corpus.corpora) : folderHash(dataDir!), formatter: formatterVersions.text },
    validation: VALIDATION_DRAW,
    ...(recover ? trainEngineKey(studyTrainEngine(profile)) : { recover: false }),
  };
  return { pcfg, dataDir, keyInput };
}

/** The step name, key and folder a prune step uses, without running it. */
export function pruneStepLocation(profile: Profile, plan: PrunePlanConfig, schedule: ScheduleName, startDir: string, opts: PruneStepOptions = {}): { step: string; keyInput: Record<string, unknown>; key: string; dir: string } {
  const step = `prune-${schedule}`;
  const { keyInput } = pruneStepInputs(profile, plan, schedule, startDir, opts.recover ?? true, opts.seed ?? 0);
  return { step, keyInput, ...stepLocation(step, keyInput) };
}

export async function pruneStep(profile: Profile, plan: PrunePlanConfig, schedule: ScheduleName, startDir: string, opts: PruneStepOptions = {}): Promise<StepOutcome<PruneStepResult>> {
  const recover = opts.recover ?? true;
  const seed = opts.seed ?? 0;
  const { pcfg, dataDir, keyInput } = pruneStepInputs(profile, plan, schedule, startDir, recover, seed);
  return cachedStep(`prune-${schedule}`, keyInput, async (dir) => {
    const start = await openStudyModel(startDir);
    try {
      const measure = recover && profile.measureLatency;
      const before = await inPhase('latency', () => latencyMs(start.model, measure));
      // the default measurement (pooled perplexity on the validation blocks), keeping each one's interval
      const data = await recoveryData(plan.recovery, start.tokenizer, start.model.config.maxPositions, pcfg.calibrationSamples, dataDir);
      const perplexities: MeasuredPerplexity[] = [];
      const evaluate = async (m: LanguageModel, at: EvaluationPoint): Promise<number> => {
        const blocks = await heldOutBlockLosses(m, data.validation);
        const value = pooledPerplexity(blocks);
        perplexities.push({ ...at, estimate: perplexityUncertainty(value, blocks) });   // over documents when the blocks carry them
        return value;
      };
      const res = await inPhase('prune + recover', () => pruneAndRecover(start.model, start.tokenizer, {
        prune: pcfg, recovery: plan.recovery, recover, run: { ...studyRecoveryRun(recover ? seed : 0), engine: studyTrainEngine(profile) }, evaluate,
      }, join(dir, 'prune'), dataDir, data));
      const saved = await inPhase('save', () => saveModel(res.model, join(dir, 'model'), { layout: 'auto' }));
      saveTokenizer(start.dir, saved.dir);
      const after = await inPhase('latency', () => latencyMs(res.model, measure));
      const blockLosses = await inPhase('forward', async () => ({ base: await heldOutBlockLosses(start.model, res.data.validation), final: await heldOutBlockLosses(res.model, res.data.validation) }));
      disposeModel(res.model);
      return {
        schedule, modelDir: saved.dir, layout: saved.layout, layoutReason: saved.reason, log: res.log,
        recoveryTokens: res.recoveryTokens, recoveryCurve: res.recoveryCurve, latencyMs: { before, after }, blockLosses, perplexities,
      };
    } finally {
      disposeModel(start.model);
    }
  });
}
