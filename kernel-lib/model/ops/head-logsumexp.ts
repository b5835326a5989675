/**
 * Kept for callers written against the first version: the head now lives in
 * ops/head-cross-entropy.ts (import headLogits, headTargetLogProbs, headCrossEntropy from there).
 */
export { headLogits } from './head-cross-entropy.ts';
