/**
 * What the training loop minimises, behind one narrow interface: the loop never knows
 * the model family or how the loss is computed. The default is next-token cross-entropy over the
 * masked targets (`lm-objective.ts`, on model/lm.ts); tests pass toy objectives.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ForwardOptions, LanguageModel } from '../model/types.ts';

/** One micro-batch as tensors. */
export interface LossBatch {
  readonly ids: tf.Tensor2D;      // [B, T] int32 inputs
  readonly targets: tf.Tensor2D;  // [B, T] int32 next-token targets (any valid id where mask is 0)
  readonly mask: tf.Tensor2D;     // [B, T] float32 0|1: 1 = counted in the loss
}

export interface Objective {
  /** SUM of the per-token losses over mask = 1 and its gradients w.r.t. every parameter, keyed by
   *  parameter name (the caller disposes them). Dropout per `opts`. */
  lossAndGrads(model: LanguageModel, batch: LossBatch, opts: ForwardOptions): { loss: number; grads: Map<string, tf.Tensor> };
  /** SUM of the per-token losses over mask = 1, evaluation mode (no dropout, no gradients). */
  lossSum(model: LanguageModel, batch: LossBatch): number;
}
