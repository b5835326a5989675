/**
 * The library's one perplexity measurement: per-block next-token NLL of a model over held-out
 * blocks (lmObjective, evaluation mode, disjoint windows of T tokens, so it reads higher than a
 * stride < T evaluation; docs/pruning-facts.md section 2). The losses are kept block by block so
 * the perplexity can carry a standard error and two models can be compared on the same blocks
 * (stats/perplexity-stderr.ts; by document when the blocks carry theirs, stats/document-bootstrap.ts); pooledPerplexity gives the perplexity itself,
 * exp(sum nll / sum tokens). The wikitext task's word and byte perplexities are the harness's
 * (lm-eval's rolling windows, eval/rolling-windows.ts), not this.
 */
import type { LanguageModel } from '../model/types.ts';
import type { Block } from '../data/packing.ts';
import { heldOutLoss } from '../train/batch-tensors.ts';
import { lmObjective } from '../train/lm-objective.ts';
import type { BlockLoss } from '../stats/perplexity-stderr.ts';

/** One BlockLoss per block, in order; a block that carries its document (data/document-blocks.ts) passes its `doc` on. */
export async function heldOutBlockLosses(model: LanguageModel, blocks: readonly (Block & { readonly doc?: number })[]): Promise<BlockLoss[]> {
  const out: BlockLoss[] = [];
  for (const [i, b] of blocks.entries()) {
    const r = await heldOutLoss(model, [b], lmObjective, 1);   // one [1, T] forward per block
    if (!(r.tokens > 0)) throw new Error(`heldOutBlockLosses: block ${i} has no target tokens`);
    out.push({ nll: r.loss * r.tokens, tokens: r.tokens, ...(b.doc !== undefined ? { doc: b.doc } : {}) });
  }
  return out;
}

/** exp(sum nll / sum tokens) of per-block losses: the held-out perplexity they make up. */
export function pooledPerplexity(blocks: readonly BlockLoss[]): number {
  let nll = 0, tokens = 0;
  for (const b of blocks) { nll += b.nll; tokens += b.tokens; }
  if (!(tokens > 0)) throw new Error('pooledPerplexity: the blocks have no target tokens');
  return Math.exp(nll / tokens);
}
