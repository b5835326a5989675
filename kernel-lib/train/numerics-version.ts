/**
 * The version of the training arithmetic: bumped whenever a change alters what a training run
 * computes from the same inputs beyond nothing at all (the optimizer's operation order and
 * rounding, a gradient formula), so cached study steps trained by older code get new keys.
 *   1: AdamW in float64 per element (JavaScript), GELU's backward in the tanh form
 *   2: AdamW in float32 in PyTorch's order (adamw-kernel.ts), GELU's backward in the sigmoid form
 */
export const TRAINING_NUMERICS = 2;
