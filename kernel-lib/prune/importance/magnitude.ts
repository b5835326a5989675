/**
 * Weight-magnitude importance: the Lp norm of everything a unit owns across its coupled slices
 * (group-level magnitude as in Torch-Pruning's GroupMagnitudeImportance, Fang et al., CVPR 2023,
 * "DepGraph"). A baseline only: LLM-Pruner's ablation shows L2 magnitude collapsing without
 * recovery (WikiText-2 PPL 582 vs Taylor 19.1, docs/pruning-facts.md section 1).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Importance } from './types.ts';
import { sliceTensor, unitBlocks } from '../unit-blocks.ts';

function magnitude(p: 1 | 2): Importance {
  return (group, ctx) => tf.tidy(() => {
    let acc: tf.Tensor1D = tf.zeros([group.count]);
    for (const s of group.slices) {
      const blocks = unitBlocks(sliceTensor(ctx.model, s), s, group.count);       // [count, e]
      const part = p === 1 ? tf.sum(tf.abs(blocks), 1) : tf.sum(tf.square(blocks), 1); // [count]
      acc = tf.add(acc, part);
    }
    const scores = p === 1 ? acc : tf.sqrt(acc);
    return new Float32Array(scores.dataSync());
  });
}

/** L1 norm over the group's slices. */
export const magnitudeL1: Importance = magnitude(1);
/** L2 norm over the group's slices. */
export const magnitudeL2: Importance = magnitude(2);
