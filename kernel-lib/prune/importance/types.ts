/**
 * The importance interface: a group in, one score per
 * unit out (higher = more important, kept first). Data-dependent statistics come from the context,
 * computed lazily once per planning call and shared by every group.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel, PrunableGroup } from '../../model/types.ts';
import type { ChannelStats } from '../../engine/ort-channel-stats.ts';

export interface ImportanceContext {
  readonly model: LanguageModel;
  /** Seed for stochastic criteria (random). */
  readonly seed: number;
  /** Mean gradient of the LM loss over the calibration batches, by parameter name (memoised). */
  gradients(): ReadonlyMap<string, tf.Tensor>;
  /** Per-channel moments (mean, variance, squared norm, |x| sum) of every output projection's
   *  input over the calibration tokens, keyed `${kind}:${layer}`, from ONNX Runtime forward passes
   *  (engine/ort-channel-stats.ts; memoised). */
  channelStats(): ChannelStats;
  /** Frees memoised tensors. */
  dispose(): void;
}

export type Importance = (group: PrunableGroup, ctx: ImportanceContext) => Float32Array;
