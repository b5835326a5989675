/**
 * The importance interface: a group in, one score per
 * unit out (higher = more important, kept first). Data-dependent statistics come from the context,
 * computed lazily once per planning call and shared by every group.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel, PrunableGroup } from '../../model/types.ts';

export interface ImportanceContext {
  readonly model: LanguageModel;
  /** Seed for stochastic criteria (random). */
  readonly seed: number;
  /** Mean gradient of the LM loss over the calibration batches, by parameter name (memoised). */
  gradients(): ReadonlyMap<string, tf.Tensor>;
  /** Mean |activation| per column at each capture site, keyed `${kind}:${layer}` (memoised). */
  activations(): ReadonlyMap<string, Float32Array>;
  /** Frees memoised tensors. */
  dispose(): void;
}

export type Importance = (group: PrunableGroup, ctx: ImportanceContext) => Float32Array;
