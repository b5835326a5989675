/**
 * Which training engine a run uses, decided once before the loop: the `engine` option, else
 * LAB_TRAIN_ENGINE, else the default below. 'ort' is ONNX Runtime gradients + the host AdamW
 * (ort-engine.ts); 'tfjs' is the device engine on the native tfjs-node backend (or when
 * `optimizer: 'device'`), else the host engine over as many replicas as were asked for and can help.
 *
 * Default: 'ort' where it can run the job: onnxruntime-node loads, the family has an ONNX
 * description and the objective is next-token loss; and the run asks for nothing only tfjs has
 * (replicas, where the optimizer lives) and tfjs is not on tfjs-node-gpu (a user who installed it
 * trains on the GPU that way; the training graphs run on the ONNX Runtime providers of
 * LAB_ORT_PROVIDERS, default cpu, and their CUDA run has not been checked: no GPU here).
 * Otherwise 'tfjs'. (The Taylor pruning criterion takes its gradients from tfjs directly,
 * prune/importance/importance-context.ts, not through an engine.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { settings } from '../runtime/settings.ts';
import { lmObjective } from './lm-objective.ts';
import type { Objective } from './objective.ts';
import { splitSizes } from './replicas.ts';
import { hostEngine } from './host-engine.ts';
import { deviceEngine } from './device-engine.ts';
import { ortEngine } from './ort-engine.ts';
import { onnxFamily } from '../engine/onnx-families.ts';
import { loadOrt } from '../engine/ort-runtime.ts';
import { backendInfo } from '../runtime/backend.ts';
import type { StartEngine } from './training-engine.ts';

/** The options of `finetune` that choose its engine. */
export interface EngineChoice {
  /** 'ort': gradients on ONNX Runtime (the hand-derived backward graph), AdamW on the host;
   *  'tfjs': tfjs gradients on the host or device engine below; or an engine of the caller's own.
   *  Default: LAB_TRAIN_ENGINE, else `defaultTrainEngine` ('ort' where it can run the job).
   *  With 'ort' or an own engine, `optimizer` and `replicas` are not read. */
  readonly engine?: 'ort' | 'tfjs' | StartEngine;
  /** Where AdamW keeps its state: 'host' (JS arrays; gradients read out every update: what wasm
   *  needs for its 4 GiB heap) or 'device' (tensors; native backends). Default: 'device' on the
   *  native tfjs-node(-gpu) backend, else 'host'. Both write and resume the same checkpoints. */
  readonly optimizer?: 'host' | 'device';
  /** Data-parallel replicas on wasm (train/replicas.ts): each micro-batch is split over the main
   *  thread and `replicas - 1` worker threads. Default LAB_TRAIN_REPLICAS, else 1. Needs the host
   *  optimizer and the default objective; otherwise one line says why and 1 is used. */
  readonly replicas?: number;
}

/** Engine and replica lines already printed by this process (each is said once, not once per run). */
const noted = new Set<string>();

/** The replica count asked for (option, else LAB_TRAIN_REPLICAS, else 1) and the count used, with the reason when they differ. */
function replicaCount(opts: EngineChoice, objective: Objective, onDevice: boolean, batchSize: number): { count: number; note: string | null } {
  const env = settings().trainReplicas;
  const asked = opts.replicas ?? (env ? Number(env) : 1);
  if (!Number.isInteger(asked) || asked < 1) throw new Error(`${opts.replicas !== undefined ? 'finetune replicas' : 'LAB_TRAIN_REPLICAS'}=${opts.replicas ?? env} is not a replica count: expected an integer >= 1`);
  if (asked === 1) return { count: 1, note: null };
  const why = tf.getBackend() !== 'wasm' ? `the ${tf.getBackend()} backend uses every core itself`
    : onDevice ? 'the optimizer state is on the device'
    : objective !== lmObjective ? 'a custom objective runs on the main thread only'
    : batchSize < 2 ? 'a micro-batch of 1 block cannot be split'
    : null;
  if (why) return { count: 1, note: `[finetune] ${asked} training replicas asked for; training on one (${why})` };
  const count = Math.min(asked, batchSize);
  return { count, note: `[finetune] ${count} training replicas: each micro-batch of ${batchSize} blocks is split ${splitSizes(batchSize, count).join('+')} over the main thread and ${count - 1} worker thread${count > 2 ? 's' : ''}, each on its own wasm module` };
}

/** The engine named by LAB_TRAIN_ENGINE ('ort' or 'tfjs'), or null when it is unset. */
export function trainEngineName(): 'ort' | 'tfjs' | null {
  const env = settings().trainEngine;
  if (env === null || env === 'tfjs' || env === 'ort') return env;
  throw new Error(`LAB_TRAIN_ENGINE=${env}: expected ort or tfjs`);
}

/** The engine a run that names none trains on (see the header), with the reason when it is tfjs. */
export function defaultTrainEngine(family: string, opts: EngineChoice, objective: Objective): { engine: 'ort' | 'tfjs'; why: string | null } {
  const tfjs = (why: string) => ({ engine: 'tfjs' as const, why });
  if (objective !== lmObjective) return tfjs('a custom objective needs tfjs\'s autodiff');
  if (opts.replicas !== undefined || opts.optimizer !== undefined || settings().trainReplicas) return tfjs('replicas or an optimizer placement were asked for');
  if (backendInfo()?.choice === 'node-gpu') return tfjs('tfjs-node-gpu is loaded (GPU training on tfjs; the ONNX training graphs on CUDA are unchecked)');
  if (!onnxFamily(family)) return tfjs(`the ${family} family has no ONNX description`);
  const { ort, reason } = loadOrt();
  if (!ort) return tfjs(`onnxruntime-node does not load: ${reason}`);
  return { engine: 'ort', why: null };
}

/** The engine a run with `objective` and micro-batches of `batchSize` blocks uses; says once per
 *  process why the replica count differs from what was asked. */
export function chooseEngine(opts: EngineChoice, objective: Objective, batchSize: number, family: string): StartEngine {
  if (typeof opts.engine === 'function') return opts.engine;
  let named = opts.engine ?? trainEngineName();
  if (named === null) {
    const d = defaultTrainEngine(family, opts, objective);
    const note = d.engine === 'ort' ? '[finetune] training on ONNX Runtime (the default where it loads; engine \'tfjs\' or LAB_TRAIN_ENGINE=tfjs for tfjs)' : `[finetune] training on tfjs: ${d.why}`;
    if (!settings().quiet && !noted.has(note)) { noted.add(note); console.error(note); }
    named = d.engine;
  }
  if (named === 'ort') return ortEngine;
  if (named !== 'tfjs') throw new Error(`finetune engine: expected 'ort', 'tfjs' or an engine function, got ${JSON.stringify(opts.engine)}`);
  const onDevice = (opts.optimizer ?? (tf.getBackend() === 'tensorflow' ? 'device' : 'host')) === 'device';
  const { count, note } = replicaCount(opts, objective, onDevice, batchSize);
  if (note && !settings().quiet && !noted.has(note)) { noted.add(note); console.error(note); }
  return onDevice ? deviceEngine : hostEngine(count);
}
