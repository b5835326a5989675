/**
 * How each family's parameter names appear in Hugging Face checkpoint files. Our params use the
 * family's own HF names (GPT-2: `h.0.attn.c_attn.weight`; OLMo: `model.layers.0...`); files saved
 * by transformers' save_pretrained of the *ForCausalLM/LMHeadModel class may prefix them
 * (GPT2LMHeadModel: `transformer.`), add non-parameter buffers, and store the LM head under
 * `lm_head.weight` (omitted when tied). One entry per family (a new family adds one line).
 */
import type { FamilyName } from './types.ts';

/** config.json key marking our own layout: per-layer MLP widths read from the tensors (transformers cannot load it). */
export const LAB_PER_LAYER_WIDTHS = 'lab_per_layer_widths';

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

export const CHECKPOINT_LAYOUTS: Readonly<Record<FamilyName, CheckpointLayout>> = {
  // GPT2LMHeadModel: `transformer.` + GPT2Model names; old checkpoints (the `gpt2` repo) have no
  // prefix; attn.bias (causal mask) / attn.masked_bias are registered buffers in older transformers.
  gpt2: { prefix: 'transformer.', buffers: /^h\.\d+\.attn\.(bias|masked_bias)$/, lmHeadKey: 'lm_head.weight', tiedTo: 'wte.weight' },
  // OlmoForCausalLM: names already carry `model.`; rotary inv_freq was a saved buffer in some versions.
  olmo: { prefix: '', buffers: /^model\.layers\.\d+\.self_attn\.rotary_emb\.inv_freq$/, lmHeadKey: 'lm_head.weight', tiedTo: 'model.embed_tokens.weight' },
  // LlamaForCausalLM: the same naming as OLMo (model.layers.N..., lm_head.weight omitted when tied).
  llama: { prefix: '', buffers: /^model\.layers\.\d+\.self_attn\.rotary_emb\.inv_freq$/, lmHeadKey: 'lm_head.weight', tiedTo: 'model.embed_tokens.weight' },
};

/** The layout of a family (throws for an unknown one). */
export function checkpointLayout(family: FamilyName): CheckpointLayout {
  const l = CHECKPOINT_LAYOUTS[family];
  if (!l) throw new Error(`no checkpoint layout for model family '${family}'`);
  return l;
}

/** File key of a param when saving (as save_pretrained of the LM class writes it). */
export function fileKeyOf(layout: CheckpointLayout, param: string): string {
  return param === layout.lmHeadKey ? param : layout.prefix + param;
}

/** Param name of a file key on load: the prefix stripped when present. */
export function paramNameOf(layout: CheckpointLayout, key: string): string {
  return layout.prefix && key.startsWith(layout.prefix) ? key.slice(layout.prefix.length) : key;
}
