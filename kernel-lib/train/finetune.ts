/**
 * `finetune(model, data, config) -> { model, log }`: the training loop every step of the study
 * uses (multi-task fine-tuning, pruning recovery, the mini pretraining).
 *
 * One update = `accumulation` micro-batches of `batchSize` blocks; the objective returns SUMMED
 * losses, the training engine sums their gradients and the loop divides by the update's
 * target-token count, so micro-batches are weighted by their tokens. Then global-norm clipping and
 * AdamW, whose new weights go to the NEW model's variables: the input model is never touched.
 * The engine (training-engine.ts) is chosen once, before the loop (choose-engine.ts): host arrays
 * over 1..N wasm replicas, device tensors on native backends, or the caller's own (`engine`).
 * Validation loss every `evalEvery`, checkpoints every `saveEvery` (and on SIGINT / abort),
 * `resume` continues bit-exactly (data position, RNG state and optimizer are in the checkpoint).
 */
import { join } from 'node:path';
import type { LanguageModel } from '../model/types.ts';
import { createRng } from '../runtime/random.ts';
import { createProgress } from '../runtime/progress.ts';
import { hashKey, resultsDir } from '../runtime/files.ts';
import { resolveTrainConfig, type TrainConfig } from './train-config.ts';
import { learningRate } from './schedules.ts';
import { createAdamW, type AdamWHyper, type AdamWState } from './adamw.ts';
import { clipFactor, normOfSquares } from './clip.ts';
import { assertHasTargets, createBlockStream, splitTrainData, type TrainData } from './block-stream.ts';
import { heldOutLoss } from './batch-tensors.ts';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint, type LoopState } from './checkpoint.ts';
import { createRunFiles, type MetricRecord } from './run-files.ts';
import type { Objective } from './objective.ts';
import { lmObjective } from './lm-objective.ts';
import { modelFingerprint } from '../model/fingerprint.ts';
import { chooseEngine, type EngineChoice } from './choose-engine.ts';

/** `engine`, `optimizer` and `replicas` (choose-engine.ts) say which training engine runs. */
export interface FinetuneOptions extends EngineChoice {
  /** The loss (default: next-token cross-entropy from model/lm.ts). */
  readonly objective?: Objective;
  /** Aborting stops after the current update, saving a checkpoint first. */
  readonly signal?: AbortSignal;
  /** Install a SIGINT handler that does the same (default true; a second Ctrl-C exits at once). */
  readonly handleSigint?: boolean;
  /** Called after every update with its record (e.g. to print or plot). */
  readonly onRecord?: (r: MetricRecord) => void;
  /** Extra data stored in run.json (e.g. model id, data description). */
  readonly describe?: Readonly<Record<string, unknown>>;
}

export interface FinetuneLog {
  readonly runId: string;
  readonly runDir: string;
  readonly config: TrainConfig;
  readonly stepsDone: number;
  readonly stoppedBy: 'steps' | 'early-stopping' | 'interrupt';
  readonly tokensSeen: number;
  readonly seconds: number;            // training wall time, all sessions of a resumed run
  readonly finalTrainLoss: number | null;
  readonly finalValLoss: number | null;
  readonly bestValLoss: number | null;
  readonly bestStep: number | null;
  readonly records: readonly MetricRecord[];
}

/** Resolved config without the keys that only say where/whether to resume (they may change). */
function trainingKey(cfg: TrainConfig): Omit<TrainConfig, 'resume' | 'runDir' | 'runId' | 'logEvery'> {
  const { resume: _r, runDir: _d, runId: _i, logEvery: _l, ...rest } = cfg;
  return rest;
}

export async function finetune(model: LanguageModel, data: TrainData, config: Partial<TrainConfig> = {}, opts: FinetuneOptions = {}): Promise<{ model: LanguageModel; log: FinetuneLog }> {
  // ---- validation before any compute ---------------------------------------------------
  const cfg = resolveTrainConfig(config);
  const { train, validation } = splitTrainData(data);
  await assertHasTargets(train, 'train');
  if (validation) await assertHasTargets(validation, 'validation');
  const objective = opts.objective ?? lmObjective;

  const configHash = hashKey({ train: trainingKey(cfg), model: modelFingerprint(model) });
  const runId = cfg.runId || `finetune-${configHash}`;
  const runDir = cfg.runDir || join(resultsDir(), 'runs', runId);
  const hyper = { beta1: cfg.beta1, beta2: cfg.beta2, eps: cfg.eps, weightDecay: cfg.weightDecay, noDecay: cfg.noDecay };

  const startEngine = chooseEngine(opts, objective, cfg.batchSize, model.family);

  // ---- state: fresh or from the checkpoint ----------------------------------------------
  const resumed = cfg.resume && hasCheckpoint(runDir);
  const start = resumed ? resumeState(model, runDir, hyper, configHash) : freshState(model, hyper, cfg.seed);
  let loop = start.loop;
  const files = createRunFiles(runDir, resumed ? loop.step : 0);
  files.writeRun({ runId, configHash, config: cfg, resumedFromStep: resumed ? loop.step : null, describe: opts.describe ?? {}, status: 'running' });
  const stream = await createBlockStream(train, { seed: cfg.seed, shuffle: cfg.shuffle }, loop.position);
  const rng = createRng(cfg.seed, loop.rngState);
  const spec = { schedule: cfg.schedule, lr: cfg.lr, warmupSteps: cfg.warmupSteps, steps: cfg.steps, minLrRatio: cfg.minLrRatio };
  // The engine owns the state from here; `out` is the new model it trains.
  const engine = await startEngine({ model, state: start.state, objective });
  const out = engine.model;

  // ---- interruption ----------------------------------------------------------------------
  let interrupted = false;
  let sigints = 0;
  const onSigint = (): void => {
    sigints++;
    if (sigints > 1) process.exit(130);
    interrupted = true;
    console.error(`\n[finetune] interrupt: saving a checkpoint after the current update (Ctrl-C again to quit now)`);
  };
  if (opts.handleSigint ?? true) process.on('SIGINT', onSigint);

  const records: MetricRecord[] = [];
  const progress = createProgress({ label: `finetune ${runId}`, total: cfg.steps - loop.step, unit: 'step' });
  const sessionStart = Date.now();
  let stoppedBy: FinetuneLog['stoppedBy'] = 'steps';
  let lastTrain: number | null = null;
  let lastVal: number | null = null;
  const elapsed = (): number => loop.elapsedSeconds + (Date.now() - sessionStart) / 1000;
  const checkpoint = (): void => saveCheckpoint(runDir, engine.hostState(), { ...loop, position: stream.position(), rngState: rng.state(), elapsedSeconds: elapsed() }, configHash);

  try {
    while (loop.step < cfg.steps) {
      const t0 = Date.now();
      const lr = learningRate(spec, loop.step);
      engine.zeroGrads();
      let lossSum = 0, tokens = 0;
      for (let micro = 0; micro < cfg.accumulation; micro++) {
        const blocks = await stream.take(cfg.batchSize);
        lossSum += await engine.addGrads(blocks, { training: cfg.dropout, seed: rng.int(0x7fffffff) });
        for (const b of blocks) tokens += b.tokens;
      }
      let gradNorm = 0;
      if (tokens > 0) {
        gradNorm = normOfSquares(await engine.squaredNorm(), 1 / tokens);
        await engine.update(lr, clipFactor(gradNorm, cfg.maxGradNorm) / tokens);
      }
      loop = { ...loop, step: loop.step + 1, tokensSeen: loop.tokensSeen + tokens };
      const secs = (Date.now() - t0) / 1000;
      lastTrain = tokens > 0 ? lossSum / tokens : lastTrain;
      const rec: MetricRecord = { step: loop.step, loss: tokens > 0 ? lossSum / tokens : null, lr, gradNorm, tokens, tokensSeen: loop.tokensSeen, tokensPerSecond: tokens / Math.max(secs, 1e-9), seconds: elapsed() };

      const last = loop.step === cfg.steps;
      if (validation && ((cfg.evalEvery > 0 && loop.step % cfg.evalEvery === 0) || last)) {
        const v = await heldOutLoss(out, validation, objective, cfg.batchSize, cfg.evalBlocks, engine.heldOutLossSum?.bind(engine));
        rec.valLoss = v.loss; rec.valPerplexity = Math.exp(v.loss); lastVal = v.loss;
        const improved = loop.bestValLoss === null || v.loss < loop.bestValLoss - cfg.earlyStoppingMinDelta;
        loop = improved ? { ...loop, bestValLoss: v.loss, bestStep: loop.step, evalsSinceBest: 0 } : { ...loop, evalsSinceBest: loop.evalsSinceBest + 1 };
        if (cfg.earlyStoppingPatience > 0 && loop.evalsSinceBest >= cfg.earlyStoppingPatience) stoppedBy = 'early-stopping';
      }
      records.push(rec);
      if (loop.step % cfg.logEvery === 0 || last || rec.valLoss !== undefined) files.append(rec);
      opts.onRecord?.(rec);
      progress.tick(1, `loss ${rec.loss?.toFixed(4) ?? '-'} | ${rec.tokensPerSecond.toFixed(0)} tok/s${rec.valLoss !== undefined ? ` | val ${rec.valLoss.toFixed(4)}` : ''}`);

      await new Promise((r) => setImmediate(r)); // let SIGINT / abort handlers run
      if (opts.signal?.aborted) interrupted = true;
      if (interrupted) { stoppedBy = 'interrupt'; checkpoint(); break; }
      if (cfg.saveEvery > 0 && (loop.step % cfg.saveEvery === 0 || last || stoppedBy !== 'steps')) checkpoint();
      if (stoppedBy === 'early-stopping') break;
    }
  } finally {
    if (opts.handleSigint ?? true) process.off('SIGINT', onSigint);
    await engine.close();
  }
  progress.done(`${stoppedBy} at step ${loop.step}`);
  const log: FinetuneLog = {
    runId, runDir, config: cfg, stepsDone: loop.step, stoppedBy, tokensSeen: loop.tokensSeen, seconds: elapsed(),
    finalTrainLoss: lastTrain, finalValLoss: lastVal, bestValLoss: loop.bestValLoss, bestStep: loop.bestStep, records,
  };
  const { records: _r, ...summary } = log;
  files.writeRun({ runId, configHash, config: cfg, resumedFromStep: resumed ? files.startStep : null, describe: opts.describe ?? {}, status: 'done', summary });
  return { model: out, log };
}

/** A fresh start: AdamW over a copy of the model's weights, the loop at step 0. */
function freshState(model: LanguageModel, hyper: AdamWHyper, seed: number): { state: AdamWState; loop: LoopState } {
  const loop: LoopState = { step: 0, position: { epoch: 0, index: 0 }, rngState: createRng(seed).state(), tokensSeen: 0, bestValLoss: null, bestStep: null, evalsSinceBest: 0, elapsedSeconds: 0 };
  return { state: createAdamW(model.params, hyper), loop };
}

/** The state of `runDir`'s checkpoint, checked against the model's parameters (names and shapes). */
function resumeState(model: LanguageModel, runDir: string, hyper: AdamWHyper, configHash: string): { state: AdamWState; loop: LoopState } {
  const { opt, loop } = loadCheckpoint(runDir, hyper, configHash);
  for (const [name, p] of model.params) {
    const s = opt.slots.get(name);
    if (!s || s.shape.join(',') !== p.shape.join(',')) throw new Error(`${runDir}: checkpoint tensor ${name} is missing or has another shape than the model's [${p.shape}]`);
  }
  return { state: opt, loop };
}
