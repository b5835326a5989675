/**
 * Refuse, before allocating, a training step that cannot fit the backend's memory
 *.
 *
 * Estimate in float32 words: parameters x 5 (weights, XNNPACK packed copy, gradients, update
 * temporaries) + Adam moments x 2 (the optimizer may keep them in the heap) + activations saved
 * for the backward, ~ tokens x layers x (20 C + 4 F + 3 H T) + the head's saved logits [V, tokens]
 * and its backward's [V, chunk] temporaries (ops/head-cross-entropy.ts).
 * Calibrated on docs/wasm-performance.md: GPT-2 small at 512 tokens does not fit without recompute
 * tricks (measured), the mini model at 1024 tokens fits with room (heap 2.6 GB).
 * Only 3/4 of the heap is usable by this estimate: GPT-2 small at 1 x 128 tokens (estimate 3.5 GiB)
 * aborted with "memory access out of bounds" (measured on wasm, 2026-11-28), since the heap fragments.
 */
import type { LanguageModel } from './types.ts';
import { backendInfo } from '../runtime/backend.ts';
import { parameterCount } from './param-values.ts';

/** Estimated peak bytes of one training step of `model` on `tokens` positions. */
export function trainingBytesEstimate(model: LanguageModel, tokens: number): number {
  const nParams = parameterCount(model);
  const c = model.config;
  const F = 4 * c.hiddenSize;
  const T = Math.min(tokens, c.maxPositions);
  const acts = tokens * c.numLayers * (20 * c.hiddenSize + 4 * F + 3 * c.numHeads * T);
  const head = c.vocabSize * tokens + 3 * c.vocabSize * Math.min(tokens, Math.floor((64 * 1024 * 1024) / c.vocabSize));
  return 4 * (7 * nParams + acts + head);
}

/** The part of a capped heap that the estimate may fill (the rest is fragmentation headroom). */
export const USABLE_HEAP_FRACTION = 0.75;

/** Throws naming the needed backend when the estimate exceeds the usable part of the backend's memory limit. */
export function assertTrainingFits(model: LanguageModel, tokens: number): void {
  const info = backendInfo();
  if (!info || info.memoryLimitBytes === null) return;
  const need = trainingBytesEstimate(model, tokens);
  const usable = USABLE_HEAP_FRACTION * info.memoryLimitBytes;
  if (need > usable) {
    const gib = (b: number) => (b / 1024 ** 3).toFixed(1);
    throw new Error(
      `training this ${model.family} model on ${tokens} tokens/step needs about ${gib(need)} GiB, more than the ` +
      `${gib(usable)} GiB usable of the ${info.choice} backend's ${gib(info.memoryLimitBytes)} GiB heap: use the native backend (install ` +
      `@tensorflow/tfjs-node, or LAB_BACKEND=node) or a smaller batch / model`);
  }
}
