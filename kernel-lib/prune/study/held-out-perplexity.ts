/**
 * Token-level perplexity of a model over held-out blocks: exp(mean next-token NLL over all masked
 * targets), disjoint windows of T tokens (no sliding stride, so it reads higher than a stride<T
 * evaluation, docs/pruning-facts.md section 2). H-eval's `perplexity` (rolling windows) is the harness
 * one; this is the cheap, fixed-protocol one the pruning studies compare models with.
 */
import type { LanguageModel } from '../../model/types.ts';
import type { Block } from '../../data/packing.ts';
import { heldOutLoss } from '../../train/batch-tensors.ts';
import { lmObjective } from '../../train/lm-objective.ts';

export async function heldOutPerplexity(model: LanguageModel, blocks: readonly Block[], batchSize = 8): Promise<number> {
  const r = await heldOutLoss(model, blocks, lmObjective, batchSize);
  if (!(r.tokens > 0)) throw new Error('heldOutPerplexity: the blocks have no target tokens');
  return Math.exp(r.loss);
}
