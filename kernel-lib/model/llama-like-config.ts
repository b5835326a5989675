/**
 * config.json <-> LlamaLikeConfig for every Llama-like model_type (model/llama-like-types.ts says
 * which keys each reads and its defaults). Keys as transformers names them: vocab_size,
 * hidden_size, intermediate_size, num_hidden_layers, num_attention_heads, num_key_value_heads
 * (= num_attention_heads when null), head_dim (= hidden_size / num_attention_heads when null),
 * hidden_act (silu only), max_position_embeddings, initializer_range, rms_norm_eps, bos / eos /
 * pad_token_id, tie_word_embeddings, rope_theta, rope_scaling, attention_bias, mlp_bias,
 * attention_dropout, clip_qkv, sliding_window / use_sliding_window. Newer transformers nest
 * rope_theta and the scaling in `rope_parameters`; both spellings are read.
 */
import type { Llama3RopeScaling, LlamaLikeConfig, RopeSpec } from './types.ts';
import type { LlamaLikeType } from './llama-like-types.ts';
import { LAB_PER_LAYER_WIDTHS, LAB_PROJECTION_BIASES } from './checkpoint-layout.ts';

type Raw = Record<string, unknown>;

function positiveInt(raw: Raw, key: string, fallback: number, file: string): number {
  const v = raw[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new Error(`${file}: ${key} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

function finite(raw: Raw, key: string, fallback: number, file: string, min = -Infinity): number {
  const v = raw[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new Error(`${file}: ${key} must be a finite number >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}

function flag(raw: Raw, key: string, file: string): boolean {
  const v = raw[key] ?? false;
  if (typeof v !== 'boolean') throw new Error(`${file}: ${key} must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

function tokenId(raw: Raw, key: string, fallback: number | null, file: string): number | null {
  let v = key in raw ? raw[key] : fallback;
  if (Array.isArray(v)) v = v[0];  // eos_token_id may be a list: the first is the one we emit
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`${file}: ${key} must be a token id (non-negative integer) or null, got ${JSON.stringify(raw[key])}`);
  return v;
}

/** rope_theta and rope_scaling (or newer transformers' rope_parameters holding both). */
function parseRope(t: LlamaLikeType, raw: Raw, file: string): RopeSpec {
  const rp = raw.rope_parameters as Raw | null | undefined;
  if (rp != null && (typeof rp !== 'object' || Array.isArray(rp))) throw new Error(`${file}: rope_parameters must be an object, got ${JSON.stringify(rp)}`);
  const theta = rp?.rope_theta != null
    ? finite(rp, 'rope_theta', t.defaults.ropeTheta, `${file} rope_parameters`, 1)
    : finite(raw, 'rope_theta', t.defaults.ropeTheta, file, 1);
  const [where, s] = raw.rope_scaling != null ? ['rope_scaling', raw.rope_scaling as Raw] : ['rope_parameters', rp];
  const type = s == null ? null : s.rope_type ?? s.type ?? null;
  if (s == null || type === null || type === 'default') return { theta, scaling: null };
  if (type !== 'llama3' || !t.llama3RopeScaling || typeof s !== 'object') {
    throw new Error(`${file}: ${where} ${JSON.stringify(s)} is not supported (${t.label}: ${t.llama3RopeScaling ? 'only rope_type "llama3" or the default' : 'only the default rope_type'})`);
  }
  const at = `${file} ${where}`;
  const scaling: Llama3RopeScaling = {
    ropeType: 'llama3',
    factor: finite(s, 'factor', NaN, at, 1),
    lowFreqFactor: finite(s, 'low_freq_factor', NaN, at, Number.MIN_VALUE),
    highFreqFactor: finite(s, 'high_freq_factor', NaN, at, Number.MIN_VALUE),
    originalMaxPositions: positiveInt(s, 'original_max_position_embeddings', NaN, at),
  };
  if (scaling.highFreqFactor <= scaling.lowFreqFactor) throw new Error(`${at}: high_freq_factor (${scaling.highFreqFactor}) must exceed low_freq_factor (${scaling.lowFreqFactor})`);
  return { theta, scaling };
}

/**
 * A sliding attention window is refused when it is shorter than the context (tokens would fall
 * out of it, which this decoder does not model) and ignored when it covers max_position_embeddings
 * (then every key is inside the window and attention is plain causal).
 */
function checkSlidingWindow(t: LlamaLikeType, raw: Raw, maxPositions: number, file: string): void {
  if (t.slidingWindowSwitch === null) return;
  if (t.slidingWindowSwitch === 'use_sliding_window' && !flag(raw, 'use_sliding_window', file)) return;
  const w = 'sliding_window' in raw ? raw.sliding_window : t.defaults.slidingWindow;
  if (w === null || w === undefined) return;
  if (typeof w !== 'number' || !Number.isInteger(w) || w <= 0) throw new Error(`${file}: sliding_window must be a positive integer or null, got ${JSON.stringify(w)}`);
  if (w < maxPositions) {
    throw new Error(`${file}: sliding_window ${w} is shorter than max_position_embeddings ${maxPositions}: sliding-window attention is not supported (a window covering the whole context, or null, is)`);
  }
}

/** Parses a config.json of model_type `t.modelType`; errors name `file` and the key. */
export function parseLlamaLikeConfig(t: LlamaLikeType, raw: Raw, file: string): LlamaLikeConfig {
  const d = t.defaults;
  if (raw.model_type !== t.modelType) throw new Error(`${file}: model_type must be "${t.modelType}", got ${JSON.stringify(raw.model_type)}`);
  const hiddenSize = positiveInt(raw, 'hidden_size', d.hiddenSize, file);
  const numHeads = positiveInt(raw, 'num_attention_heads', d.numHeads, file);
  const numKeyValueHeads = positiveInt(raw, 'num_key_value_heads', d.numKeyValueHeads ?? numHeads, file);
  if (numHeads % numKeyValueHeads !== 0) throw new Error(`${file}: num_attention_heads (${numHeads}) must be a multiple of num_key_value_heads (${numKeyValueHeads})`);
  let headDim: number;
  if (raw.head_dim != null) headDim = positiveInt(raw, 'head_dim', 0, file);
  else if (hiddenSize % numHeads !== 0) throw new Error(`${file}: hidden_size (${hiddenSize}) is not divisible by num_attention_heads (${numHeads}) and head_dim is not set`);
  else headDim = hiddenSize / numHeads;
  if (headDim % 2 !== 0) throw new Error(`${file}: head_dim ${headDim} must be even for rotary embeddings`);
  const act = raw.hidden_act ?? 'silu';
  if (act !== 'silu') throw new Error(`${file}: hidden_act ${JSON.stringify(act)} is not supported (${t.label} uses "silu")`);
  const attentionBias = t.attentionBias === 'attention_bias' && flag(raw, 'attention_bias', file);
  if (t.attentionBias === 'none' && raw.attention_bias === true) throw new Error(`${file}: attention_bias true is not supported (${t.label} projections have no bias)`);
  if (!t.mlpBiasKey && raw.mlp_bias === true) throw new Error(`${file}: mlp_bias true is not supported (${t.label} MLP projections have no bias)`);
  if (!t.clipQkvKey && raw.clip_qkv != null) throw new Error(`${file}: clip_qkv is not supported for ${t.label} (only OLMo clips q, k, v)`);
  if (raw.pretraining_tp != null && raw.pretraining_tp !== 1) throw new Error(`${file}: pretraining_tp ${JSON.stringify(raw.pretraining_tp)} is not supported (only 1)`);
  const maxPositions = positiveInt(raw, 'max_position_embeddings', d.maxPositions, file);
  checkSlidingWindow(t, raw, maxPositions, file);
  const rope = parseRope(t, raw, file);
  const tie = raw.tie_word_embeddings ?? d.tieWordEmbeddings;
  if (typeof tie !== 'boolean') throw new Error(`${file}: tie_word_embeddings must be a boolean, got ${JSON.stringify(tie)}`);
  const eos = tokenId(raw, 'eos_token_id', d.eosTokenId, file);
  if (eos === null) throw new Error(`${file}: eos_token_id must be set`);
  return {
    family: t.modelType,
    vocabSize: positiveInt(raw, 'vocab_size', d.vocabSize, file),
    maxPositions,
    hiddenSize,
    numLayers: positiveInt(raw, 'num_hidden_layers', d.numLayers, file),
    numHeads,
    eosTokenId: eos,
    bosTokenId: tokenId(raw, 'bos_token_id', d.bosTokenId, file),
    padTokenId: tokenId(raw, 'pad_token_id', d.padTokenId, file),
    tieWordEmbeddings: tie,
    raw: { ...raw },
    intermediateSize: positiveInt(raw, 'intermediate_size', d.intermediateSize, file),
    numKeyValueHeads,
    headDim,
    ropeTheta: rope.theta,
    rope,
    norm: t.norm,
    normEps: t.norm === 'rms-norm' ? finite(raw, 'rms_norm_eps', d.normEps, file, 0) : d.normEps,
    clipQkv: t.clipQkvKey && raw.clip_qkv != null ? finite(raw, 'clip_qkv', 0, file, Number.MIN_VALUE) : null,
    ...labBiases(raw, file) ?? {
      qkvBias: t.attentionBias === 'qkv' || attentionBias,
      oBias: attentionBias,
      mlpBias: t.mlpBiasKey && flag(raw, 'mlp_bias', file),
    },
    initializerRange: finite(raw, 'initializer_range', d.initializerRange, file, 0),
    attentionDropout: finite(raw, 'attention_dropout', d.attentionDropout, file, 0),
    hiddenAct: 'silu',
  };
}

/** The lab layout's record of which projections have biases (bias compensation may add some that
 *  transformers' class of the type cannot express), or undefined when the config has none. */
function labBiases(raw: Raw, file: string): { qkvBias: boolean; oBias: boolean; mlpBias: boolean } | undefined {
  const b = raw[LAB_PROJECTION_BIASES] as Record<string, unknown> | undefined;
  if (b === undefined) return undefined;
  if (typeof b !== 'object' || b === null || !['qkv', 'o', 'mlp'].every((k) => typeof b[k] === 'boolean')) {
    throw new Error(`${file}: ${LAB_PROJECTION_BIASES} must be {"qkv": bool, "o": bool, "mlp": bool}, got ${JSON.stringify(b)}`);
  }
  return { qkvBias: b.qkv as boolean, oBias: b.o as boolean, mlpBias: b.mlp as boolean };
}

/** Per-layer widths read from tensor shapes (pruned layers are narrower). */
export interface LlamaLikeLayerWidths {
  readonly heads: number;     // H_l = q_proj rows / D
  readonly kvHeads: number;   // K_l = k_proj rows / D
  readonly mlp: number;       // F_l = gate_proj rows
}

/**
 * config.json that transformers' <architecture> reloads for these shapes. Head counts and
 * intermediate_size are one number each in its config, so per-layer widths must be uniform
 * (refused otherwise, naming the widths); head-pruned exports carry an explicit head_dim (Llama-
 * style configs read `head_dim`; older transformers computed hidden_size // heads).
 */
/** transformers' bias switches for the config's projection biases; throws when its class has none for them. */
function hfBiasFlags(t: LlamaLikeType, c: LlamaLikeConfig, what: string): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  if (t.attentionBias === 'attention_bias') {
    if (c.qkvBias !== c.oBias) throw new Error(`${what}: attention_bias covers q, k, v and o_proj together, but q/k/v bias ${c.qkvBias}, o_proj bias ${c.oBias}`);
    out.attention_bias = c.oBias;
  } else if (c.oBias || (t.attentionBias === 'none' && c.qkvBias)) {
    throw new Error(`${what}: transformers' ${t.architecture} has no ${c.oBias ? 'o_proj' : 'q/k/v'} bias (bias compensation adds one; save with layout 'lab', or prune with --no-compensation)`);
  }
  if (t.mlpBiasKey) out.mlp_bias = c.mlpBias;
  else if (c.mlpBias) throw new Error(`${what}: transformers' ${t.architecture} has no MLP biases (bias compensation adds a down_proj bias; save with layout 'lab', or prune with --no-compensation)`);
  return out;
}

export function llamaLikeConfigJson(t: LlamaLikeType, config: LlamaLikeConfig, widths: readonly LlamaLikeLayerWidths[]): Record<string, unknown> {
  if (config.raw[LAB_PER_LAYER_WIDTHS] === true) {
    // Our own layout (saveModel layout 'lab'): the config keeps the unpruned widths as upper
    // bounds and the tensors decide per layer; transformers cannot load it.
    return { ...config.raw, model_type: t.modelType, num_hidden_layers: widths.length, [LAB_PER_LAYER_WIDTHS]: true,
      [LAB_PROJECTION_BIASES]: { qkv: config.qkvBias, o: config.oBias, mlp: config.mlpBias } };
  }
  const uniq = (xs: number[]): number[] => [...new Set(xs)];
  const fs = uniq(widths.map((w) => w.mlp)), hs = uniq(widths.map((w) => w.heads)), ks = uniq(widths.map((w) => w.kvHeads));
  const what = `cannot export ${t.label} config`;
  if (fs.length > 1) {
    throw new Error(`${what}: MLP widths differ per layer (${widths.map((w) => w.mlp).join(', ')}) but intermediate_size is one number in transformers' ${t.architecture} config; prune MLP uniformly per layer (or save with layout 'lab')`);
  }
  if (hs.length > 1 || ks.length > 1) {
    throw new Error(`${what}: head counts differ per layer (q ${widths.map((w) => w.heads).join(', ')}; kv ${widths.map((w) => w.kvHeads).join(', ')}) but num_attention_heads / num_key_value_heads are one number each in transformers' ${t.architecture} config; prune heads uniformly per layer (or save with layout 'lab')`);
  }
  if (hs[0] === 0 || fs[0] === 0) throw new Error(`${what}: a layer has 0 heads or 0 MLP neurons, which transformers' ${t.architecture} config cannot express`);
  const out: Record<string, unknown> = {
    ...config.raw,
    model_type: t.modelType,
    architectures: [t.architecture],
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    num_hidden_layers: widths.length,
    intermediate_size: fs[0] ?? config.intermediateSize,
    num_attention_heads: hs[0] ?? config.numHeads,
    num_key_value_heads: ks[0] ?? config.numKeyValueHeads,
    max_position_embeddings: config.maxPositions,
    ...(config.norm === 'rms-norm' ? { rms_norm_eps: config.normEps } : {}),
    ...(config.raw.rope_parameters == null ? { rope_theta: config.ropeTheta } : {}),
    hidden_act: 'silu',
    bos_token_id: config.bosTokenId,
    eos_token_id: config.eosTokenId,
    pad_token_id: config.padTokenId,
    tie_word_embeddings: config.tieWordEmbeddings,
  };
  Object.assign(out, hfBiasFlags(t, config, what));
  delete out[LAB_PROJECTION_BIASES];
  const heads = out.num_attention_heads as number;
  if (config.raw.head_dim != null || heads * config.headDim !== config.hiddenSize) out.head_dim = config.headDim;
  return out;
}
