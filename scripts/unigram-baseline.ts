/**
 * The unigram baseline for the mini model's validation perplexity, from token counts only (no model
 * code): p(w) = (count_train(w) + 1) / (N + V) (add-one smoothing, so unseen tokens have a
 * probability), perplexity = exp(-mean log p(target)) over the masked targets of the held-out blocks.
 * Blocks are packing's { ids [T+1], mask [T] } (targets ids[1..T]).
 */
export interface UnigramResult { readonly perplexity: number; readonly tokens: number; readonly trainTokens: number }

export function unigramBaseline(train: readonly { ids: Int32Array; mask: Uint8Array }[], heldOut: readonly { ids: Int32Array; mask: Uint8Array }[], V: number): UnigramResult {
  const counts = new Float64Array(V);
  let N = 0;
  for (const b of train) for (let t = 0; t < b.mask.length; t++) if (b.mask[t]) { counts[b.ids[t + 1]!]! += 1; N++; }
  let nll = 0, n = 0;
  for (const b of heldOut) for (let t = 0; t < b.mask.length; t++) if (b.mask[t]) { nll -= Math.log((counts[b.ids[t + 1]!]! + 1) / (N + V)); n++; }
  return { perplexity: Math.exp(nll / n), tokens: n, trainTokens: N };
}
