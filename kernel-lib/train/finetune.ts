/**
 * `finetune(model, data, config) -> { model, log }`: the training loop every step of the study
 * uses (multi-task fine-tuning, pruning recovery, the mini pretraining).
 *
 * One update = `accumulation` micro-batches of `batchSize` blocks; the objective returns SUMMED
 * losses, the loop adds the gradients in JS and divides by the update's target-token count, so
 * micro-batches are weighted by their tokens. Then global-norm clipping, AdamW (JS-side state),
 * and new tensors assigned to the NEW model's variables: the input model is never touched.
 * On native backends AdamW's state stays on the device (`adamw-device.ts`, `optimizer` option).
 * Validation loss every `evalEvery`, checkpoints every `saveEvery` (and on SIGINT / abort),
 * `resume` continues bit-exactly (data position, RNG state and optimizer are in the checkpoint).
 */
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import type { LanguageModel } from '../model/types.ts';
import { createRng } from '../runtime/random.ts';
import { createProgress } from '../runtime/progress.ts';
import { hashKey, resultsDir } from '../runtime/files.ts';
import { resolveTrainConfig, type TrainConfig } from './train-config.ts';
import { learningRate } from './schedules.ts';
import { createAdamW, type AdamWState } from './adamw.ts';
import { clipFactor, normOfSquares } from './clip.ts';
import { deviceAdamwStep, deviceFromHost, deviceGlobalNorm, toHostState, type DeviceAdamWState } from './adamw-device.ts';
import { assertHasTargets, createBlockStream, splitTrainData, type TrainData } from './block-stream.ts';
import { disposeBatch, heldOutLoss, toLossBatch } from './batch-tensors.ts';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint, type LoopState } from './checkpoint.ts';
import { createRunFiles, type MetricRecord } from './run-files.ts';
import type { Objective } from './objective.ts';
import { lmObjective } from './lm-objective.ts';
import { modelFingerprint } from '../model/fingerprint.ts';
import { startReplicas, splitSizes, type Replicas } from './replicas.ts';
import { settings } from '../runtime/settings.ts';

export interface FinetuneOptions {
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
  /** Where AdamW keeps its state: 'host' (JS arrays; gradients read out every update: what wasm
   *  needs for its 4 GiB heap) or 'device' (tensors; native backends). Default: 'device' on the
   *  native tfjs-node(-gpu) backend, else 'host'. Both write and resume the same checkpoints. */
  readonly optimizer?: 'host' | 'device';
  /** Data-parallel replicas on wasm (train/replicas.ts): each micro-batch is split over the main
   *  thread and `replicas - 1` worker threads. Default LAB_TRAIN_REPLICAS, else 1. Needs the host
   *  optimizer and the default objective; otherwise one line says why and 1 is used. */
  readonly replicas?: number;
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


/** Replica lines already printed by this process (each is said once, not once per run). */
const notedReplicas = new Set<string>();

/** The replica count asked for (option, else LAB_TRAIN_REPLICAS, else 1) and the count used, with the reason when they differ. */
function replicaCount(opts: FinetuneOptions, onDevice: boolean, batchSize: number): { count: number; note: string | null } {
  const env = settings().trainReplicas;
  const asked = opts.replicas ?? (env ? Number(env) : 1);
  if (!Number.isInteger(asked) || asked < 1) throw new Error(`${opts.replicas !== undefined ? 'finetune replicas' : 'LAB_TRAIN_REPLICAS'}=${opts.replicas ?? env} is not a replica count: expected an integer >= 1`);
  if (asked === 1) return { count: 1, note: null };
  const why = tf.getBackend() !== 'wasm' ? `the ${tf.getBackend()} backend uses every core itself`
    : onDevice ? 'the optimizer state is on the device'
    : opts.objective && opts.objective !== lmObjective ? 'a custom objective runs on the main thread only'
    : batchSize < 2 ? 'a micro-batch of 1 block cannot be split'
    : null;
  if (why) return { count: 1, note: `[finetune] ${asked} training replicas asked for; training on one (${why})` };
  const count = Math.min(asked, batchSize);
  return { count, note: `[finetune] ${count} training replicas: each micro-batch of ${batchSize} blocks is split ${splitSizes(batchSize, count).join('+')} over the main thread and ${count - 1} worker thread${count > 2 ? 's' : ''}, each on its own wasm module` };
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

  // ---- state: fresh or from the checkpoint ----------------------------------------------
  let opt: AdamWState;
  let loop: LoopState;
  const resumed = cfg.resume && hasCheckpoint(runDir);
  if (resumed) {
    ({ opt, loop } = loadCheckpoint(runDir, hyper, configHash));
    for (const [name, p] of model.params) {
      const s = opt.slots.get(name);
      if (!s || s.shape.join(',') !== p.shape.join(',')) throw new Error(`${runDir}: checkpoint tensor ${name} is missing or has another shape than the model's [${p.shape}]`);
    }
  } else {
    opt = createAdamW(model.params, hyper);
    loop = { step: 0, position: { epoch: 0, index: 0 }, rngState: createRng(cfg.seed).state(), tokensSeen: 0, bestValLoss: null, bestStep: null, evalsSinceBest: 0, elapsedSeconds: 0 };
  }
  // The new model: fresh variables from the optimizer's master weights.
  const params = new Map<string, tf.Variable>();
  for (const [name, s] of opt.slots) {
    const t = tf.tensor(s.w.slice(), s.shape as number[], 'float32');
    params.set(name, tf.variable(t));
    t.dispose(); // the variable holds its own reference to the data
  }
  const out: LanguageModel = { family: model.family, config: model.config, params };
  const onDevice = (opts.optimizer ?? (tf.getBackend() === 'tensorflow' ? 'device' : 'host')) === 'device';
  const dev: DeviceAdamWState | null = onDevice ? deviceFromHost(opt, params) : null;
  if (dev) opt = { hyper, step: opt.step, slots: new Map() }; // the host copies are not needed any more
  const { count: replicaN, note: replicaNote } = replicaCount(opts, onDevice, cfg.batchSize);
  if (replicaNote && !settings().quiet && !notedReplicas.has(replicaNote)) { notedReplicas.add(replicaNote); console.error(replicaNote); }

  const files = createRunFiles(runDir, resumed ? loop.step : 0);
  files.writeRun({ runId, configHash, config: cfg, resumedFromStep: resumed ? loop.step : null, describe: opts.describe ?? {}, status: 'running' });
  const stream = await createBlockStream(train, { seed: cfg.seed, shuffle: cfg.shuffle }, loop.position);
  const rng = createRng(cfg.seed, loop.rngState);
  const spec = { schedule: cfg.schedule, lr: cfg.lr, warmupSteps: cfg.warmupSteps, steps: cfg.steps, minLrRatio: cfg.minLrRatio };

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
  // Host optimizer: gradients are summed into JS arrays, by this thread and any replica workers.
  const replicas: Replicas | null = dev ? null : startReplicas(out, replicaN, opt);
  const devAcc = new Map<string, tf.Tensor>();   // device path: summed gradients as tensors
  const progress = createProgress({ label: `finetune ${runId}`, total: cfg.steps - loop.step, unit: 'step' });
  const sessionStart = Date.now();
  let stoppedBy: FinetuneLog['stoppedBy'] = 'steps';
  let lastTrain: number | null = null;
  let lastVal: number | null = null;
  const elapsed = (): number => loop.elapsedSeconds + (Date.now() - sessionStart) / 1000;
  const checkpoint = (): void => saveCheckpoint(runDir, dev ? toHostState(dev) : opt, { ...loop, position: stream.position(), rngState: rng.state(), elapsedSeconds: elapsed() }, configHash);

  try {
    while (loop.step < cfg.steps) {
      const t0 = Date.now();
      const lr = learningRate(spec, loop.step);
      replicas?.zeroGrads();
      for (const g of devAcc.values()) g.dispose();
      devAcc.clear();
      let lossSum = 0, tokens = 0;
      for (let micro = 0; micro < cfg.accumulation; micro++) {
        const blocks = await stream.take(cfg.batchSize);
        const seed = rng.int(0x7fffffff);
        if (replicas) {
          lossSum += await replicas.addGrads(out, blocks, { training: cfg.dropout, seed }, objective);
        } else {
          const batch = toLossBatch(blocks);
          try {
            const { loss, grads } = objective.lossAndGrads(out, batch, { training: cfg.dropout, seed });
            for (const name of dev!.slots.keys()) {
              const g = grads.get(name);
              if (!g) throw new Error(`finetune: the objective returned no gradient for ${name}`);
              const prev = devAcc.get(name);
              devAcc.set(name, prev ? tf.add(prev, g) : tf.clone(g));
              prev?.dispose();
            }
            for (const g of grads.values()) g.dispose();
            lossSum += loss;
          } finally { disposeBatch(batch); }
        }
        for (const b of blocks) tokens += b.tokens;
      }
      let gradNorm = 0;
      if (tokens > 0) {
        if (dev) {
          gradNorm = deviceGlobalNorm(devAcc.values(), 1 / tokens);
          deviceAdamwStep(dev, devAcc, lr, clipFactor(gradNorm, cfg.maxGradNorm) / tokens);
        } else {
          gradNorm = normOfSquares(await replicas!.reduce(), 1 / tokens);
          await replicas!.update(params, lr, clipFactor(gradNorm, cfg.maxGradNorm) / tokens);
        }
      }
      loop = { ...loop, step: loop.step + 1, tokensSeen: loop.tokensSeen + tokens };
      const secs = (Date.now() - t0) / 1000;
      lastTrain = tokens > 0 ? lossSum / tokens : lastTrain;
      const rec: MetricRecord = { step: loop.step, loss: tokens > 0 ? lossSum / tokens : null, lr, gradNorm, tokens, tokensSeen: loop.tokensSeen, tokensPerSecond: tokens / Math.max(secs, 1e-9), seconds: elapsed() };

      const last = loop.step === cfg.steps;
      if (validation && ((cfg.evalEvery > 0 && loop.step % cfg.evalEvery === 0) || last)) {
        const v = await heldOutLoss(out, validation, objective, cfg.batchSize, cfg.evalBlocks);
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
    await replicas?.close();
    for (const g of devAcc.values()) g.dispose();
    if (dev) for (const s of dev.slots.values()) { s.m.dispose(); s.v.dispose(); }
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
