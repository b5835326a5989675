/**
 * The model_types the Llama-like decoder (model/llama-like.ts) runs, as data: which config.json
 * keys switch which part of the decoder, and transformers' defaults for keys a config.json may
 * omit. A new family of that kind is one entry here (model/families.ts registers every entry;
 * engine/onnx-families.ts gives each the one ONNX description).
 *
 * Defaults follow transformers' configuration_<type>.py (checked 2026-12 with the search tool).
 * SmolLM and TinyLlama checkpoints say model_type "llama": they are plain Llama.
 */

/** transformers' defaults for the keys a config.json may omit. */
export interface LlamaLikeDefaults {
  readonly vocabSize: number;              // vocab_size V
  readonly hiddenSize: number;             // hidden_size C
  readonly intermediateSize: number;       // intermediate_size F
  readonly numLayers: number;              // num_hidden_layers L
  readonly numHeads: number;               // num_attention_heads H
  readonly numKeyValueHeads: number | null; // num_key_value_heads K (null: = H)
  readonly maxPositions: number;           // max_position_embeddings
  readonly initializerRange: number;       // initializer_range: std of normal(0, std) init
  readonly normEps: number;                // rms_norm_eps, or OLMo's hard-coded LayerNorm epsilon
  readonly bosTokenId: number | null;      // bos_token_id
  readonly eosTokenId: number | null;      // eos_token_id (a config must end up with one)
  readonly padTokenId: number | null;      // pad_token_id
  readonly tieWordEmbeddings: boolean;     // tie_word_embeddings
  readonly ropeTheta: number;              // rope_theta: RoPE base
  readonly attentionDropout: number;       // attention_dropout: dropout on attention probabilities
  readonly slidingWindow: number | null;   // sliding_window when the key is absent (Mistral: 4096)
}

export interface LlamaLikeType {
  readonly modelType: string;              // config.json model_type, and the family's name
  readonly architecture: string;           // architectures[0] of an exported config.json
  readonly label: string;                  // how error messages name it
  /** 'layer-norm': LayerNorm without weight or bias, epsilon defaults.normEps (not a key; OLMo);
   *  'rms-norm': RMSNorm with a weight per norm, epsilon from rms_norm_eps. */
  readonly norm: 'layer-norm' | 'rms-norm';
  /** 'attention_bias': that key (default false) gives q, k, v AND o_proj biases (Llama, OLMo);
   *  'qkv': q, k, v biases always and never an o_proj one (Qwen2); 'none': no key, no biases. */
  readonly attentionBias: 'attention_bias' | 'qkv' | 'none';
  readonly mlpBiasKey: boolean;            // mlp_bias gives gate/up/down biases (Llama)
  readonly clipQkvKey: boolean;            // clip_qkv clamps q, k, v (OLMo)
  readonly llama3RopeScaling: boolean;     // rope_scaling of rope_type "llama3" is accepted (Llama)
  /** Where a sliding attention window is switched on: 'sliding_window' (on whenever that key is
   *  a number: Mistral), 'use_sliding_window' (on only when that key is true: Qwen2), or null. */
  readonly slidingWindowSwitch: 'sliding_window' | 'use_sliding_window' | null;
  readonly defaults: LlamaLikeDefaults;
}

const LLAMA_DEFAULTS: LlamaLikeDefaults = {
  vocabSize: 32000, hiddenSize: 4096, intermediateSize: 11008, numLayers: 32, numHeads: 32, numKeyValueHeads: null,
  maxPositions: 2048, initializerRange: 0.02, normEps: 1e-6, bosTokenId: 1, eosTokenId: 2, padTokenId: null,
  tieWordEmbeddings: false, ropeTheta: 10000, attentionDropout: 0, slidingWindow: null,
};

/** Every Llama-like model_type, in registration order. */
export const llamaLikeTypes: readonly LlamaLikeType[] = [
  {
    // OlmoForCausalLM (allenai/OLMo-1B-hf): OlmoLayerNorm (no affine, eps 1e-5), clip_qkv.
    modelType: 'olmo', architecture: 'OlmoForCausalLM', label: 'OLMo', norm: 'layer-norm',
    attentionBias: 'attention_bias', mlpBiasKey: false, clipQkvKey: true, llama3RopeScaling: false, slidingWindowSwitch: null,
    defaults: { ...LLAMA_DEFAULTS, vocabSize: 50304, normEps: 1e-5, bosTokenId: null, eosTokenId: 50279, padTokenId: 1 },
  },
  {
    // LlamaForCausalLM: RMSNorm, attention_bias / mlp_bias, Llama 3 rope_scaling.
    modelType: 'llama', architecture: 'LlamaForCausalLM', label: 'Llama', norm: 'rms-norm',
    attentionBias: 'attention_bias', mlpBiasKey: true, clipQkvKey: false, llama3RopeScaling: true, slidingWindowSwitch: null,
    defaults: LLAMA_DEFAULTS,
  },
  {
    // Qwen2ForCausalLM: Llama with q/k/v biases (o_proj none); sliding window only with use_sliding_window.
    modelType: 'qwen2', architecture: 'Qwen2ForCausalLM', label: 'Qwen2', norm: 'rms-norm',
    attentionBias: 'qkv', mlpBiasKey: false, clipQkvKey: false, llama3RopeScaling: false, slidingWindowSwitch: 'use_sliding_window',
    defaults: {
      ...LLAMA_DEFAULTS, vocabSize: 151936, intermediateSize: 22016, numKeyValueHeads: 32, maxPositions: 32768,
      bosTokenId: null, eosTokenId: null, slidingWindow: 4096,
    },
  },
  {
    // MistralForCausalLM: plain Llama plus sliding_window (4096 when the key is absent).
    modelType: 'mistral', architecture: 'MistralForCausalLM', label: 'Mistral', norm: 'rms-norm',
    attentionBias: 'none', mlpBiasKey: false, clipQkvKey: false, llama3RopeScaling: false, slidingWindowSwitch: 'sliding_window',
    defaults: { ...LLAMA_DEFAULTS, intermediateSize: 14336, numKeyValueHeads: 8, maxPositions: 4096 * 32, slidingWindow: 4096 },
  },
];

/** The entry of a model_type, or undefined. */
export function llamaLikeType(modelType: string): LlamaLikeType | undefined {
  return llamaLikeTypes.find((t) => t.modelType === modelType);
}
