/**
 * Per-block next-token NLL of held-out blocks on the chosen engine (ONNX Runtime by default, so
 * a model whose weights are still in its files is scored without becoming tfjs variables). Same
 * quantity as prune/study/held-out-block-losses.ts (masked target tokens of each block [T+1]).
 */
import type { LanguageModel } from '../model/types.ts';
import type { Block } from '../data/packing.ts';
import type { BlockLoss } from '../stats/perplexity-stderr.ts';
import { scoreTokensOn } from '../engine/score-tokens-on.ts';

export function blockLossesOn(model: LanguageModel, blocks: readonly Block[], batch = 4): BlockLoss[] {
  const out: BlockLoss[] = [];
  for (let b0 = 0; b0 < blocks.length; b0 += batch) {
    const chunk = blocks.slice(b0, b0 + batch);
    const T = chunk[0]!.ids.length - 1;
    const ids = new Int32Array(chunk.length * T), targets = new Int32Array(chunk.length * T).fill(-1);
    chunk.forEach((blk, b) => {
      if (blk.ids.length !== T + 1) throw new Error(`blockLossesOn: block ${b0 + b} has ${blk.ids.length} ids, expected ${T + 1}`);
      ids.set(blk.ids.subarray(0, T), b * T);
      for (let t = 0; t < T; t++) if (blk.mask[t]) targets[b * T + t] = blk.ids[t + 1]!;
    });
    const { logprobs } = scoreTokensOn(model, ids, chunk.length, T, targets);
    chunk.forEach((_, b) => {
      let nll = 0, tokens = 0;
      for (let t = 0; t < T; t++) if (targets[b * T + t] !== -1) { nll -= logprobs[b * T + t]!; tokens++; }
      if (!tokens) throw new Error(`blockLossesOn: block ${b0 + b} has no target tokens`);
      out.push({ nll, tokens });
    });
  }
  return out;
}
