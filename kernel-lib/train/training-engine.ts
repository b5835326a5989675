/**
 * What the training loop (finetune.ts) asks of whatever computes gradients and applies AdamW,
 * chosen once before the loop starts: the host engine (JS optimizer state, gradients summed into
 * host arrays, 1..N wasm replicas: host-engine.ts) or the device engine (optimizer state as
 * tensors on a native backend: device-engine.ts). Another engine plugs in through
 * `FinetuneOptions.engine` without a change to the loop: e.g. gradients computed elsewhere into
 * host Float32Arrays, then `adamwStep` and `writeWeights` (adamw.ts) as the host engine does.
 *
 * One update, as the loop drives it:
 *   zeroGrads(); for each micro-batch: loss += addGrads(blocks, ...);
 *   norm = sqrt(squaredNorm()) / tokens; update(lr, clipFactor(norm) / tokens)
 * The gradients are of SUMMED losses; the loop divides by the update's target tokens through
 * `gradScale`, so micro-batches weigh by their tokens.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel } from '../model/types.ts';
import type { AdamWState } from './adamw.ts';
import type { NormalBlock } from './block-stream.ts';
import type { Objective } from './objective.ts';

export interface TrainingEngine {
  /** The model being trained: new variables (the loop's input model is never touched), holding
   *  the weights of the last update; validation and the caller read it. An engine with its own
   *  `heldOutLossSum` may write them only at `close` (the loop reads `model` after that). */
  readonly model: LanguageModel;
  /** Starts an update: the gradient sums are zero before the next `addGrads`. */
  zeroGrads(): void;
  /** Adds the gradients of `blocks`' SUMMED loss (dropout per `training`, seeded by `seed`) into
   *  the sums and returns that summed loss. */
  addGrads(blocks: readonly NormalBlock[], opts: { readonly training: boolean; readonly seed: number }): Promise<number>;
  /** The squared L2 norm of the sums (all parameters concatenated), unscaled. */
  squaredNorm(): Promise<number>;
  /** AdamW at `lr` with the sums times `gradScale`; `model` then holds the new weights (see `model`). */
  update(lr: number, gradScale: number): Promise<void>;
  /** The summed loss of held-out `blocks` on the engine's own forward pass, for validation; without
   *  it the loop evaluates the objective on `model`'s tfjs variables. */
  heldOutLossSum?(blocks: readonly NormalBlock[]): Promise<number>;
  /** The optimizer state as host arrays, in the layout checkpoint.ts saves (the live state or a copy). */
  hostState(): AdamWState;
  /** Brings `model` up to date and frees what the engine holds besides it (worker threads, moments,
   *  gradient sums); idempotent. */
  close(): Promise<void>;
}

/** What an engine starts from: the model's family and config, the optimizer state (fresh or from
 *  a checkpoint; the engine owns it from here) and the objective. */
export interface EngineStart {
  readonly model: LanguageModel;   // family and config of the model trained; its weights are the state's
  readonly state: AdamWState;
  readonly objective: Objective;
}

/** Starts an engine; `finetune` calls it once per run, after the state is fresh or loaded. */
export type StartEngine = (start: EngineStart) => TrainingEngine | Promise<TrainingEngine>;

/** The trained model's variables, made from the state's master weights (copies). */
export function modelFromState({ model, state }: EngineStart): LanguageModel {
  const params = new Map<string, tf.Variable>();
  for (const [name, s] of state.slots) {
    const t = tf.tensor(s.w.slice(), s.shape as number[], 'float32');
    params.set(name, tf.variable(t));
    t.dispose(); // the variable holds its own reference to the data
  }
  return { family: model.family, config: model.config, params };
}
