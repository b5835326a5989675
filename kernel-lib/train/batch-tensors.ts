/**
 * Normalised blocks -> one micro-batch of tensors ([B, T] ids, targets, mask), its gradients
 * summed into host arrays, and the held-out loss of a block source in evaluation mode.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel } from '../model/types.ts';
import { iterateBlocks, normalizeBlock, type BlockSource, type NormalBlock } from './block-stream.ts';
import type { LossBatch, Objective } from './objective.ts';

/** A micro-batch as flat row-major [B, T] arrays: what crosses to a replica worker. */
export interface PackedBatch { readonly ids: Int32Array; readonly targets: Int32Array; readonly mask: Float32Array; readonly B: number; readonly T: number }

/** B blocks of equal length T as flat row-major [B, T] arrays (ids, targets, mask). */
export function packBlocks(blocks: readonly NormalBlock[]): PackedBatch {
  const B = blocks.length;
  const T = blocks[0]!.ids.length;
  const ids = new Int32Array(B * T), targets = new Int32Array(B * T), mask = new Float32Array(B * T);
  for (const [b, blk] of blocks.entries()) {
    if (blk.ids.length !== T) throw new Error(`finetune: block ${b} of a micro-batch has ${blk.ids.length} tokens, the first has ${T} (blocks must have one length)`);
    ids.set(blk.ids, b * T); targets.set(blk.targets, b * T); mask.set(blk.mask, b * T);
  }
  return { ids, targets, mask, B, T };
}

/** Packed [B, T] arrays (packBlocks) as tensors (the caller disposes them). */
export function packedLossBatch({ ids, targets, mask, B, T }: PackedBatch): LossBatch {
  return {
    ids: tf.tensor2d(ids, [B, T], 'int32'),
    targets: tf.tensor2d(targets, [B, T], 'int32'),
    mask: tf.tensor2d(mask, [B, T], 'float32'),
  };
}

/** Stacks B blocks of equal length T into [B, T] tensors (the caller disposes them). */
export function toLossBatch(blocks: readonly NormalBlock[]): LossBatch {
  return packedLossBatch(packBlocks(blocks));
}

export function disposeBatch(b: LossBatch): void {
  b.ids.dispose(); b.targets.dispose(); b.mask.dispose();
}

/** Adds the gradients of one packed micro-batch's summed loss into `acc` (name -> flat host
 *  array, every parameter) and returns that loss; tensors are disposed. */
export function addBatchGrads(model: LanguageModel, packed: PackedBatch, opts: { readonly training: boolean; readonly seed: number }, objective: Objective, acc: ReadonlyMap<string, Float32Array>): number {
  const batch = packedLossBatch(packed);
  try {
    const { loss, grads } = objective.lossAndGrads(model, batch, opts);
    try {
      for (const [name, a] of acc) {
        const g = grads.get(name);
        if (!g) throw new Error(`finetune: the objective returned no gradient for ${name}`);
        const gv = g.dataSync() as Float32Array;
        for (let i = 0; i < a.length; i++) a[i] += gv[i]!;
      }
    } finally { for (const g of grads.values()) g.dispose(); }
    return loss;
  } finally { disposeBatch(batch); }
}

/** Mean loss per target token over (at most `maxBlocks`, 0 = all) blocks of `src`, and the token count;
 *  `lossSum` (a training engine's own forward) replaces the objective on the model's tfjs variables. */
export async function heldOutLoss(
  model: LanguageModel, src: BlockSource, objective: Objective, batchSize: number, maxBlocks = 0,
  lossSum?: (blocks: readonly NormalBlock[]) => Promise<number>,
): Promise<{ loss: number; tokens: number; blocks: number }> {
  let sum = 0, tokens = 0, n = 0;
  let pending: NormalBlock[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    if (lossSum) sum += await lossSum(pending);
    else {
      const batch = toLossBatch(pending);
      try { sum += objective.lossSum(model, batch); } finally { disposeBatch(batch); }
    }
    for (const b of pending) tokens += b.tokens;
    pending = [];
  };
  for await (const raw of iterateBlocks(src)) {
    if (maxBlocks > 0 && n >= maxBlocks) break;
    pending.push(normalizeBlock(raw, `validation block ${n}`));
    n++;
    if (pending.length === batchSize) await flush();
  }
  await flush();
  return { loss: tokens > 0 ? sum / tokens : NaN, tokens, blocks: n };
}
