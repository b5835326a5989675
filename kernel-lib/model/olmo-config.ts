/**
 * OLMo config.json <-> OlmoConfig (transformers `OlmoConfig`, `model_type: "olmo"`).
 *
 * Keys and defaults follow transformers' configuration_olmo.py (checked 2026-11 with the search
 * tool): vocab_size 50304, hidden_size 4096, intermediate_size 11008, num_hidden_layers 32,
 * num_attention_heads 32, num_key_value_heads = num_attention_heads when null, hidden_act silu,
 * max_position_embeddings 2048, initializer_range 0.02, pad 1, eos 50279, bos null,
 * tie_word_embeddings false, rope_theta 10000, attention_bias false, attention_dropout 0,
 * clip_qkv null. Newer transformers nest rope_theta in `rope_parameters`; both are read.
 * OLMo-1B-hf sets hidden 2048, F 8192, 16 layers, 16 heads, tied embeddings (docs/pruning-facts.md section 4).
 */
import type { OlmoConfig } from './types.ts';
import { LAB_PER_LAYER_WIDTHS } from './checkpoint-layout.ts';

/** transformers' OlmoConfig defaults for keys a config.json may omit. */
export const defaults = {
  vocabSize: 50304,            // vocab_size (padded; the tokenizer has ~50280 entries)
  hiddenSize: 4096,            // hidden_size C
  intermediateSize: 11008,     // intermediate_size F
  numLayers: 32,               // num_hidden_layers L
  numHeads: 32,                // num_attention_heads H
  maxPositions: 2048,          // max_position_embeddings
  initializerRange: 0.02,      // initializer_range: std of normal(0, std) init
  padTokenId: 1,               // pad_token_id (<|padding|>)
  eosTokenId: 50279,           // eos_token_id (<|endoftext|>)
  tieWordEmbeddings: false,    // tie_word_embeddings (OLMo-1B-hf sets true)
  ropeTheta: 10000,            // rope_theta: RoPE base
  attentionDropout: 0,         // attention_dropout: dropout on attention probabilities
} as const;

function positiveInt(raw: Record<string, unknown>, key: string, fallback: number, file: string): number {
  const v = raw[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new Error(`${file}: ${key} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

function finite(raw: Record<string, unknown>, key: string, fallback: number, file: string, min = -Infinity): number {
  const v = raw[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    throw new Error(`${file}: ${key} must be a finite number >= ${min}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function tokenId(raw: Record<string, unknown>, key: string, fallback: number | null, file: string): number | null {
  let v = key in raw ? raw[key] : fallback;
  if (Array.isArray(v)) v = v[0];  // eos_token_id may be a list: the first is the one we emit
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new Error(`${file}: ${key} must be a token id (non-negative integer) or null, got ${JSON.stringify(raw[key])}`);
  }
  return v;
}

/** Parses an OlmoForCausalLM config.json; errors name `file` and the key. */
export function parseOlmoConfig(raw: Record<string, unknown>, file: string): OlmoConfig {
  if (raw.model_type !== 'olmo') throw new Error(`${file}: model_type must be "olmo", got ${JSON.stringify(raw.model_type)}`);
  const hiddenSize = positiveInt(raw, 'hidden_size', defaults.hiddenSize, file);
  const numHeads = positiveInt(raw, 'num_attention_heads', defaults.numHeads, file);
  const numKeyValueHeads = raw.num_key_value_heads == null ? numHeads : positiveInt(raw, 'num_key_value_heads', numHeads, file);
  if (numHeads % numKeyValueHeads !== 0) {
    throw new Error(`${file}: num_attention_heads (${numHeads}) must be a multiple of num_key_value_heads (${numKeyValueHeads})`);
  }
  let headDim: number;
  if (raw.head_dim != null) headDim = positiveInt(raw, 'head_dim', 0, file);
  else if (hiddenSize % numHeads !== 0) throw new Error(`${file}: hidden_size (${hiddenSize}) is not divisible by num_attention_heads (${numHeads}) and head_dim is not set`);
  else headDim = hiddenSize / numHeads;
  if (headDim % 2 !== 0) throw new Error(`${file}: head_dim ${headDim} must be even for rotary embeddings`);

  const act = raw.hidden_act ?? 'silu';
  if (act !== 'silu') throw new Error(`${file}: hidden_act ${JSON.stringify(act)} is not supported (OLMo uses "silu")`);
  if (raw.attention_bias === true) throw new Error(`${file}: attention_bias true is not supported (OLMo projections have no bias)`);
  const rp = raw.rope_parameters as Record<string, unknown> | null | undefined;
  if (rp != null && (typeof rp !== 'object' || (rp.rope_type != null && rp.rope_type !== 'default'))) {
    throw new Error(`${file}: rope_parameters ${JSON.stringify(rp)} is not supported (only the default rope_type)`);
  }
  if (raw.rope_scaling != null) throw new Error(`${file}: rope_scaling ${JSON.stringify(raw.rope_scaling)} is not supported (only null)`);
  const ropeTheta = rp?.rope_theta != null
    ? finite(rp, 'rope_theta', defaults.ropeTheta, `${file} rope_parameters`, 1)
    : finite(raw, 'rope_theta', defaults.ropeTheta, file, 1);
  const clipQkv = raw.clip_qkv == null ? null : finite(raw, 'clip_qkv', 0, file, Number.MIN_VALUE);
  const tie = raw.tie_word_embeddings ?? defaults.tieWordEmbeddings;
  if (typeof tie !== 'boolean') throw new Error(`${file}: tie_word_embeddings must be a boolean, got ${JSON.stringify(tie)}`);
  const eos = tokenId(raw, 'eos_token_id', defaults.eosTokenId, file);
  if (eos === null) throw new Error(`${file}: eos_token_id must be set`);

  return {
    family: 'olmo',
    vocabSize: positiveInt(raw, 'vocab_size', defaults.vocabSize, file),
    maxPositions: positiveInt(raw, 'max_position_embeddings', defaults.maxPositions, file),
    hiddenSize,
    numLayers: positiveInt(raw, 'num_hidden_layers', defaults.numLayers, file),
    numHeads,
    eosTokenId: eos,
    bosTokenId: tokenId(raw, 'bos_token_id', null, file),
    padTokenId: tokenId(raw, 'pad_token_id', defaults.padTokenId, file),
    tieWordEmbeddings: tie,
    raw: { ...raw },
    intermediateSize: positiveInt(raw, 'intermediate_size', defaults.intermediateSize, file),
    numKeyValueHeads,
    headDim,
    ropeTheta,
    clipQkv,
    initializerRange: finite(raw, 'initializer_range', defaults.initializerRange, file, 0),
    attentionDropout: finite(raw, 'attention_dropout', defaults.attentionDropout, file, 0),
    hiddenAct: 'silu',
  };
}

/** Per-layer widths read from tensor shapes (pruned layers are narrower). */
export interface OlmoLayerWidths {
  readonly heads: number;     // H_l = q_proj rows / D
  readonly kvHeads: number;   // K_l = k_proj rows / D
  readonly mlp: number;       // F_l = gate_proj rows
}

/**
 * config.json that transformers reloads for these shapes. Head count and intermediate_size are
 * global in OlmoConfig, so per-layer widths must be uniform; pruned heads are written as
 * num_attention_heads / num_key_value_heads plus an explicit head_dim (Llama-style modular
 * OLMo reads `head_dim`; transformers before ~4.48 computed hidden_size // heads and would
 * not reload a head-pruned export).
 */
export function olmoConfigJson(config: OlmoConfig, widths: readonly OlmoLayerWidths[]): Record<string, unknown> {
  if (config.raw[LAB_PER_LAYER_WIDTHS] === true) {
    // Our own layout (saveModel layout 'lab'): the config keeps the unpruned widths as upper
    // bounds and the tensors decide per layer; transformers cannot load it.
    return { ...config.raw, model_type: 'olmo', num_hidden_layers: widths.length, [LAB_PER_LAYER_WIDTHS]: true };
  }
  const uniq = (xs: number[]): number[] => [...new Set(xs)];
  const fs = uniq(widths.map((w) => w.mlp));
  const hs = uniq(widths.map((w) => w.heads));
  const ks = uniq(widths.map((w) => w.kvHeads));
  if (fs.length > 1) {
    throw new Error(`cannot export OLMo config: MLP widths differ per layer (${widths.map((w) => w.mlp).join(', ')}) but intermediate_size is one number in transformers' OlmoConfig; prune MLP uniformly per layer (or save with layout 'lab')`);
  }
  if (hs.length > 1 || ks.length > 1) {
    throw new Error(`cannot export OLMo config: head counts differ per layer (q ${widths.map((w) => w.heads).join(', ')}; kv ${widths.map((w) => w.kvHeads).join(', ')}) but num_attention_heads is one number in transformers' OlmoConfig; prune heads uniformly per layer (or save with layout 'lab')`);
  }
  if (hs[0] === 0 || fs[0] === 0) throw new Error('cannot export OLMo config: a layer has 0 heads or 0 MLP neurons, which OlmoConfig cannot express');
  const out: Record<string, unknown> = {
    ...config.raw,
    model_type: 'olmo',
    architectures: ['OlmoForCausalLM'],
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    num_hidden_layers: widths.length,
    intermediate_size: fs[0] ?? config.intermediateSize,
    num_attention_heads: hs[0] ?? config.numHeads,
    num_key_value_heads: ks[0] ?? config.numKeyValueHeads,
    tie_word_embeddings: config.tieWordEmbeddings,
  };
  const heads = out.num_attention_heads as number;
  if (config.raw.head_dim != null || heads * config.headDim !== config.hiddenSize) out.head_dim = config.headDim;
  return out;
}
