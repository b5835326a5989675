/**
 * Memory a study step needs, in bytes, from the model's shape and the step's batch: the dry run's
 * model (experiments/dry-run.ts). All tensors are float32 (4 bytes).
 *
 * Forward-only steps (evaluation on ONNX Runtime): the weights, plus one batch's live tensors.
 * ONNX Runtime frees each layer's tensors once the next layer has read them, so one layer's
 * working set is live at a time, bounded by B*T*(6C + 3F + 2HT) (residual, normalised input,
 * q|k|v, attention output, scores and probabilities per head, the MLP's gate, up and product),
 * plus the head's chunk of ~16 Mi logits (engine/ort-score-positions.ts).
 *
 * Training steps (tfjs): weights + gradients + AdamW's two moments = 4 x float32 weights, plus
 * the activations the tape keeps for the backward. Per layer that is B*T*(c1*C + c2*F + H*T)
 * floats, counting each buffer alive at the end of the forward once (kernels' saved inputs and
 * outputs, and every tensor made outside a tidy; a custom op's own temporaries are freed by
 * its tidy), from the forwards in model/:
 *   GPT-2 (model/gpt2.ts), c1 = 18, c2 = 7:
 *     each affine LayerNorm keeps x - mean, its square, the normalised x, x*gamma and the output (5C, twice);
 *     c_attn's output q|k|v (3C); the attention output (C) and its softmax probabilities (H*T);
 *     c_proj's and the MLP's outputs and the two residual sums (4C); c_fc's output and the six
 *     tensors of gelu_new (x^2, x^3, 0.044715 x^3, the sum, sigmoid, product) (7F).
 *   OLMo (model/llama-like-forward.ts with OLMo's switches, no GQA), c1 = 27, c2 = 5:
 *     each LayerNorm without affine keeps x - mean, its square and the output (3C, twice);
 *     q, k, v projections (3C); RoPE on q and on k each keeps the low half, the negated high
 *     half, their concatenation, x*cos, rot*sin and the sum (5C each, 10C); the q|k|v concatenation
 *     (3C); attention output (C) and probabilities (H*T); o_proj's and down_proj's outputs and the
 *     two residual sums (4C); gate, silu's sigmoid, gate*sigmoid, up and the product (5F).
 * Outside the layers: the embedding and final LayerNorm (c0*C per token: GPT-2 7, OLMo 4) and the
 * LM head's logits, kept in [V, tokens] chunks for its backward (V per token, ops/head-cross-entropy.ts).
 * Not counted: LayerNorm's per-row statistics (4 floats per row each), the RoPE tables, dropout's
 * keep masks (GPT-2 trained with dropout), and the backward's temporaries, which come on top of
 * this end-of-forward figure. Saved tensors count once: on the cpu backend a saved clone shares its
 * input's data (test/experiments/step-memory.test.ts counts the distinct buffers alive there and
 * finds these constants within 1%); the wasm backend copies it, so wasm needs more
 * (model/memory-guard.ts guards wasm).
 */

/** The sizes the memory model needs (unpruned widths: the upper bound of a pruning step). */
export interface ModelShape {
  readonly family: 'gpt2' | 'olmo';
  readonly params: number;        // parameters, tied embeddings counted once
  readonly layers: number;        // L
  readonly hidden: number;        // C
  readonly mlp: number;           // F
  readonly heads: number;         // H
  readonly vocab: number;         // V
  readonly maxPositions: number;  // longest sequence the model takes
}

/** Floats kept per token for the backward: c1 x C + c2 x F + H x T per layer, c0 x C outside them. */
export const SAVED_PER_TOKEN: Readonly<Record<ModelShape['family'], { readonly c0: number; readonly c1: number; readonly c2: number }>> = {
  gpt2: { c0: 7, c1: 18, c2: 7 },
  olmo: { c0: 4, c1: 27, c2: 5 },
};

/** Logits ONNX Runtime's head graph computes at a time (engine/ort-score-positions.ts). */
const ORT_HEAD_CHUNK = 16 * 1024 * 1024;
const F32 = 4;

/** Bytes of one step, by part. */
export interface StepBytes {
  readonly weights: number;
  readonly gradients: number;
  readonly optimizer: number;     // AdamW's first and second moments
  readonly activations: number;
  readonly total: number;
}

/** Forward-only pass of a batch [B, T] on ONNX Runtime (see the file comment). */
export function forwardBytes(m: ModelShape, B: number, T: number): StepBytes {
  const { hidden: C, mlp: F, heads: H } = m;
  const weights = F32 * m.params;
  const activations = F32 * (B * T * (6 * C + 3 * F + 2 * H * T) + Math.min(ORT_HEAD_CHUNK, B * T * m.vocab));
  return { weights, gradients: 0, optimizer: 0, activations, total: weights + activations };
}

/** One training micro-batch [B, T] on tfjs with AdamW (see the file comment). */
export function trainingBytes(m: ModelShape, B: number, T: number): StepBytes {
  const { hidden: C, mlp: F, heads: H } = m;
  const k = SAVED_PER_TOKEN[m.family];
  const weights = F32 * m.params;
  const perLayer = k.c1 * C + k.c2 * F + H * T;
  const activations = F32 * B * T * (m.layers * perLayer + k.c0 * C + m.vocab);
  return { weights, gradients: weights, optimizer: 2 * weights, activations, total: 4 * weights + activations };
}
