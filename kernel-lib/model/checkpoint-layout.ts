/**
 * How each family's parameter names appear in Hugging Face checkpoint files. Our params use the
 * family's own HF names (GPT-2: `h.0.attn.c_attn.weight`; OLMo: `model.layers.0...`); files saved
 * by transformers' save_pretrained of the *ForCausalLM/LMHeadModel class may prefix them
 * (GPT2LMHeadModel: `transformer.`), add non-parameter buffers, and store the LM head under
 * `lm_head.weight` (omitted when tied). Each family names its layout (Family.layout); every
 * Llama-like family shares one.
 */

/** config.json key marking our own layout: per-layer MLP widths read from the tensors (transformers cannot load it). */
export const LAB_PER_LAYER_WIDTHS = 'lab_per_layer_widths';
/** config.json key of the lab layout recording which projections have biases ({qkv, o, mlp}), for
 *  biases transformers' class of the type cannot express (bias compensation adds them). */
export const LAB_PROJECTION_BIASES = 'lab_projection_biases';

export interface CheckpointLayout {
  /** Prefix save_pretrained puts before parameter names; stripped on load when present, added on save. */
  readonly prefix: string;
  /** Non-parameter buffers some checkpoints carry (dropped on load), matched after prefix removal. */
  readonly buffers: RegExp;
  /** File key of the output embedding; a param only when the model is untied. */
  readonly lmHeadKey: string;
  /** The param the LM head equals when tie_word_embeddings is true. */
  readonly tiedTo: string;
}

/** GPT2LMHeadModel: `transformer.` + GPT2Model names; old checkpoints (the `gpt2` repo) have no
 *  prefix; attn.bias (causal mask) / attn.masked_bias are registered buffers in older transformers. */
export const GPT2_LAYOUT: CheckpointLayout = { prefix: 'transformer.', buffers: /^h\.\d+\.attn\.(bias|masked_bias)$/, lmHeadKey: 'lm_head.weight', tiedTo: 'wte.weight' };

/** Every Llama-like *ForCausalLM (OLMo, Llama, Qwen2, Mistral): names already carry `model.`;
 *  the rotary inv_freq was a saved buffer in some versions; lm_head.weight is omitted when tied. */
export const LLAMA_LIKE_LAYOUT: CheckpointLayout = { prefix: '', buffers: /^model\.layers\.\d+\.self_attn\.rotary_emb\.inv_freq$/, lmHeadKey: 'lm_head.weight', tiedTo: 'model.embed_tokens.weight' };

/** File key of a param when saving (as save_pretrained of the LM class writes it). */
export function fileKeyOf(layout: CheckpointLayout, param: string): string {
  return param === layout.lmHeadKey ? param : layout.prefix + param;
}

/** Param name of a file key on load: the prefix stripped when present. */
export function paramNameOf(layout: CheckpointLayout, key: string): string {
  return layout.prefix && key.startsWith(layout.prefix) ? key.slice(layout.prefix.length) : key;
}
