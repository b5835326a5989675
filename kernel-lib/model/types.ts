/**
 * The model contract: a language model is data (family tag, typed config, named parameters)
 * plus the pure functions of its family.
 *
 * Dimension letters used in every shape comment of this library:
 *   B batch, T tokens (sequence), N = B*T flattened positions, C channels (d_model),
 *   H heads, D head dim, F MLP width, V vocabulary, L layers, K kv heads.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { CheckpointLayout } from './checkpoint-layout.ts';

/** A family's name: the config.json `model_type` it is registered under in model/families.ts
 *  ('gpt2', 'olmo', 'llama', 'qwen2', 'mistral', ...). */
export type FamilyName = string;

/** Fields every family's typed config has (canonical camelCase, parsed at the boundary). */
export interface BaseConfig {
  readonly family: FamilyName;
  readonly vocabSize: number;      // V: rows of the token embedding
  readonly maxPositions: number;   // longest context the model accepts (n_positions / max_position_embeddings)
  readonly hiddenSize: number;     // C
  readonly numLayers: number;      // L
  readonly numHeads: number;       // H of an unpruned layer (pruned layers read theirs from tensors)
  readonly eosTokenId: number;
  readonly bosTokenId: number | null;
  readonly padTokenId: number | null;
  readonly tieWordEmbeddings: boolean;
  /** The config.json object as read, kept verbatim so saving writes back every key we do not model. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** GPT2Config (transformers `GPT2Config`) in canonical form. */
export interface GPT2Config extends BaseConfig {
  readonly family: 'gpt2';
  readonly innerSize: number;                 // F of an unpruned layer: n_inner ?? 4*C
  readonly layerNormEpsilon: number;          // layer_norm_epsilon (1e-5)
  readonly activation: 'gelu_new';            // activation_function; others are refused at parse time
  readonly dropout: { readonly resid: number; readonly embd: number; readonly attn: number };
  /** config.pruned_heads: layer -> ORIGINAL head ids removed (transformers semantics). */
  readonly prunedHeads: Readonly<Record<number, readonly number[]>>;
}

/** Llama-3 `rope_scaling` (rope_type "llama3"): low frequencies divided by `factor`, high ones
 *  kept, a smooth ramp between (transformers' _compute_llama3_parameters). */
export interface Llama3RopeScaling {
  readonly ropeType: 'llama3';
  readonly factor: number;                        // factor: how much longer than the original context
  readonly lowFreqFactor: number;                 // low_freq_factor (1 in Llama 3.1)
  readonly highFreqFactor: number;                // high_freq_factor (4 in Llama 3.1)
  readonly originalMaxPositions: number;          // original_max_position_embeddings (8192)
}

/** Rotary embedding parameters: base and optional Llama-3 scaling of the inverse frequencies. */
export interface RopeSpec {
  readonly theta: number;                         // rope_theta (or rope_parameters.rope_theta), 10000
  readonly scaling: Llama3RopeScaling | null;     // rope_scaling / rope_parameters of type llama3, else null
}

/**
 * The Llama-like decoder's config (model/llama-like.ts): OLMo, Llama and the model_types that
 * are Llama plus switches (model/llama-like-types.ts). `family` is the config's model_type.
 */
export interface LlamaLikeConfig extends BaseConfig {
  readonly intermediateSize: number;          // F of an unpruned layer: intermediate_size
  readonly numKeyValueHeads: number;          // K of an unpruned layer: num_key_value_heads ?? num_attention_heads
  readonly headDim: number;                   // D: head_dim ?? hidden_size / num_attention_heads
  readonly ropeTheta: number;                 // rope.theta, kept as a field of its own for readers of the config
  readonly rope: RopeSpec;
  /** 'layer-norm': LayerNorm without weight or bias (OLMo); 'rms-norm': RMSNorm with a weight per norm. */
  readonly norm: 'layer-norm' | 'rms-norm';
  readonly normEps: number;                   // 1e-5 for OLMo's LayerNorm; rms_norm_eps for RMSNorm
  readonly clipQkv: number | null;            // clip_qkv (OLMo): clamp q, k, v to +-clipQkv after projection
  readonly qkvBias: boolean;                  // q/k/v projections have biases (Qwen2 always; Llama attention_bias)
  readonly oBias: boolean;                    // o_proj has a bias (Llama attention_bias)
  readonly mlpBias: boolean;                  // gate/up/down projections have biases (Llama mlp_bias)
  readonly initializerRange: number;          // initializer_range: std of the normal init (0.02)
  readonly attentionDropout: number;          // attention_dropout (0)
  readonly hiddenAct: 'silu';                 // hidden_act; others are refused at parse time
}

/** OLMo's config: the Llama-like config with model_type "olmo". */
export type OlmoConfig = LlamaLikeConfig;
/** Llama's config: the Llama-like config with model_type "llama". */
export type LlamaConfig = LlamaLikeConfig;

/** Parameters keyed by the exact Hugging Face names (`h.0.attn.c_attn.weight`, ...). */
export type Params = ReadonlyMap<string, tf.Variable>;

export interface LanguageModel<Cfg extends BaseConfig = BaseConfig> {
  readonly family: FamilyName;
  readonly config: Cfg;
  readonly params: Params;
}

/** Where `ForwardOptions.capture` is called, for activation-based importance and probes. */
export interface CaptureSite {
  readonly layer: number;
  /** 'mlp': the MLP's hidden activation [N, F] (after the nonlinearity / gating);
   *  'heads': per-head attention outputs before the output projection [N, H*D] (head-major). */
  readonly kind: 'mlp' | 'heads';
}

export interface ForwardOptions {
  /** Dropout on (training) or off (evaluation). Default false. */
  readonly training?: boolean;
  /** Seed for this call's dropout masks (training only); same seed, same masks. */
  readonly seed?: number;
  /** Called with intermediate activations (inside the caller's tidy: keep() what you retain). */
  readonly capture?: (site: CaptureSite, activation: tf.Tensor2D) => void;
}

/**
 * One unit kind that can be pruned: units are numbered 0..count-1 per layer, and each
 * unit owns a slice of every listed tensor. The generic pruner only knows "slice tensor X on axis
 * A keeping indices I": for a unit u, the kept indices along `axis` of `param` are
 * offset + u*width + [0, width) for each entry (e.g. GPT-2 c_attn q/k/v column blocks).
 */
export interface TensorSlice {
  readonly param: string;      // HF name
  readonly axis: number;       // axis sliced
  readonly offset: number;     // where the block of units starts along the axis
  readonly width: number;      // elements per unit along the axis (head dim D for heads, 1 for neurons)
}

export interface PrunableGroup {
  readonly kind: 'heads' | 'mlp';
  readonly layer: number;
  readonly count: number;            // units currently present in this layer
  readonly slices: readonly TensorSlice[];
  /** The output projection whose input channels the units own (unit u: channels
   *  [u*width, (u+1)*width) along `inAxis` of `weight`), and the name of its bias (present or not):
   *  where forward-pass statistics are read and bias compensation goes. */
  readonly output?: { readonly weight: string; readonly inAxis: number; readonly width: number; readonly bias: string };
}

/** Which units of one prunable group survive a structural edit (prune/pruning-plan.ts PlanGroup has these fields). */
export interface UnitsKept {
  readonly kind: 'heads' | 'mlp';
  readonly layer: number;
  readonly count: number;             // units before the edit
  readonly keep: readonly number[];   // surviving unit indices (current numbering), ascending
}

/** Attention heads of one layer. */
export interface LayerHeads {
  readonly heads: number;     // H_l query heads
  readonly kvHeads: number;   // K_l key/value heads
}

/** A model family: a table of pure functions over (config, params). */
export interface Family<Cfg extends BaseConfig = BaseConfig> {
  readonly name: FamilyName;
  /** How its parameter names appear in checkpoint files (model/checkpoint-layout.ts). */
  readonly layout: CheckpointLayout;
  /** config.json object -> typed config; errors name `file` and the key. */
  parseConfig(raw: Record<string, unknown>, file: string): Cfg;
  /** Typed config + actual parameter shapes -> config.json object transformers reloads. */
  toConfigJson(config: Cfg, shapes: ReadonlyMap<string, readonly number[]>): Record<string, unknown>;
  /** Expected name -> shape for this config (honouring pruned heads as transformers does). */
  paramShapes(config: Cfg): Map<string, number[]>;
  /** Checks tensors read from `file` against the config: the name set must equal paramShapes'
   *  (buffers such as GPT-2's attn.bias are dropped by the loader before), and shapes must be
   *  consistent (per-layer head counts / MLP widths may be smaller than the config's when pruned).
   *  Throws naming the file and the tensor. */
  checkShapes(config: Cfg, shapes: ReadonlyMap<string, readonly number[]>, file: string): void;
  /** Random initialisation as transformers does for this family, deterministic for `seed`. */
  initParams(config: Cfg, seed: number): Map<string, tf.Tensor>;
  /** Final (normalised) hidden states [B*T, C] for token ids [B, T] int32. */
  hidden(model: LanguageModel<Cfg>, ids: tf.Tensor2D, opts?: ForwardOptions): tf.Tensor2D;
  /** Output embedding [V, C] (the token embedding when tied). */
  lmHead(model: LanguageModel<Cfg>): tf.Tensor2D;
  /** Prunable unit kinds per layer, read from the actual tensor shapes. */
  groups(model: LanguageModel<Cfg>): PrunableGroup[];
  /** Query heads H_l and key/value heads K_l of every layer, read from tensor shapes (K_l = H_l
   *  without grouped-query attention). */
  layerHeads(config: Cfg, shapes: ReadonlyMap<string, readonly number[]>): LayerHeads[];
  /** The config after units were removed, for families whose config records them (GPT-2's
   *  `pruned_heads` with ORIGINAL head ids); omitted when the shapes alone say it all. */
  withPrunedUnits?(config: Cfg, kept: readonly UnitsKept[]): Cfg;
  /** The config once output-projection biases `added` were created (bias compensation), and the
   *  zero tensors its flags imply beside them (shapes: every parameter's current shape); omitted
   *  when the family cannot add biases. */
  withAddedBiases?(config: Cfg, added: readonly string[], shapes: ReadonlyMap<string, readonly number[]>): { config: Cfg; zeros: [string, number[]][] };
}
