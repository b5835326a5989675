/**
 * The Llama-like config mapping: every model_type of model/llama-like-types.ts is a registered
 * family; the switches each reads (Qwen2's q/k/v biases, Llama's attention_bias / mlp_bias and
 * Llama 3 rope_scaling, OLMo's clip_qkv and LayerNorm, Mistral's sliding_window); refusals that
 * name the file and the key; the llama3 inverse frequencies against values derived by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getFamily, type LlamaLikeConfig } from '../../kernel-lib/index.ts';
import { familyOfConfig } from '../../kernel-lib/model/families.ts';
import { llamaLikeTypes } from '../../kernel-lib/model/llama-like-types.ts';
import { inverseFrequencies } from '../../kernel-lib/model/rotary.ts';

const parse = (raw: Record<string, unknown>, file = 'x/config.json') => getFamily<LlamaLikeConfig>(raw.model_type as string).parseConfig(raw, file);
const small = { hidden_size: 16, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 24, num_hidden_layers: 2, vocab_size: 50, max_position_embeddings: 64, eos_token_id: 2 };

test('every Llama-like model_type is a registered family with the shared checkpoint layout', () => {
  assert.deepEqual(llamaLikeTypes.map((t) => t.modelType), ['olmo', 'llama', 'qwen2', 'mistral']);
  for (const t of llamaLikeTypes) {
    assert.equal(familyOfConfig({ model_type: t.modelType }, 'c.json'), t.modelType);
    assert.equal(getFamily(t.modelType).layout.tiedTo, 'model.embed_tokens.weight');
  }
  assert.throws(() => familyOfConfig({ model_type: 'gemma' }, 'g/config.json'), /g\/config.json: model_type "gemma" is not supported \(expected "gpt2", "olmo", "llama", "qwen2", "mistral"\)/);
});

test('switches per model_type: norm, biases, clip_qkv', () => {
  const olmo = parse({ ...small, model_type: 'olmo', clip_qkv: 8 });
  assert.deepEqual([olmo.norm, olmo.normEps, olmo.clipQkv, olmo.qkvBias, olmo.oBias, olmo.mlpBias], ['layer-norm', 1e-5, 8, false, false, false]);
  const llama = parse({ ...small, model_type: 'llama', rms_norm_eps: 1e-5, attention_bias: true, mlp_bias: true });
  assert.deepEqual([llama.norm, llama.normEps, llama.clipQkv, llama.qkvBias, llama.oBias, llama.mlpBias], ['rms-norm', 1e-5, null, true, true, true]);
  // Qwen2: q/k/v biases always, never an o_proj one; rms_norm_eps default 1e-6.
  const qwen = parse({ ...small, model_type: 'qwen2' });
  assert.deepEqual([qwen.norm, qwen.normEps, qwen.qkvBias, qwen.oBias, qwen.mlpBias, qwen.family], ['rms-norm', 1e-6, true, false, false, 'qwen2']);
  const shapes = getFamily<LlamaLikeConfig>('qwen2').paramShapes(qwen);
  assert.deepEqual([shapes.get('model.layers.1.self_attn.q_proj.bias'), shapes.get('model.layers.1.self_attn.k_proj.bias'), shapes.has('model.layers.1.self_attn.o_proj.bias')], [[16], [8], false]);
  // Mistral defaults: 8 kv heads when the key is absent, as transformers' MistralConfig.
  assert.equal(parse({ ...small, model_type: 'mistral', num_key_value_heads: undefined, num_attention_heads: 8, sliding_window: null }).numKeyValueHeads, 8);
});

test('refusals name the file and the key', () => {
  assert.throws(() => parse({ ...small, model_type: 'llama', clip_qkv: 4 }), /x\/config.json: clip_qkv is not supported for Llama/);
  assert.throws(() => parse({ ...small, model_type: 'qwen2', mlp_bias: true }), /x\/config.json: mlp_bias true is not supported \(Qwen2/);
  assert.throws(() => parse({ ...small, model_type: 'mistral', attention_bias: true, sliding_window: null }), /x\/config.json: attention_bias true is not supported \(Mistral/);
  assert.throws(() => parse({ ...small, model_type: 'olmo', rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 16 } }), /x\/config.json: rope_scaling .* is not supported \(OLMo: only the default rope_type\)/);
  assert.throws(() => parse({ ...small, model_type: 'llama', rope_scaling: { rope_type: 'yarn', factor: 4 } }), /rope_scaling .* is not supported \(Llama: only rope_type "llama3" or the default\)/);
  assert.throws(() => parse({ ...small, model_type: 'llama', rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4 } }), /x\/config.json rope_scaling: original_max_position_embeddings must be a positive integer/);
  assert.throws(() => parse({ ...small, model_type: 'llama', rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 4, high_freq_factor: 1, original_max_position_embeddings: 16 } }), /high_freq_factor \(1\) must exceed low_freq_factor \(4\)/);
  assert.throws(() => parse({ ...small, model_type: 'qwen2', eos_token_id: undefined }), /x\/config.json: eos_token_id must be set/);
});

test('sliding windows: refused when shorter than the context, ignored when they cover it or are off', () => {
  // Mistral: on whenever sliding_window is a number (4096 when the key is absent).
  assert.throws(() => parse({ ...small, model_type: 'mistral', sliding_window: 32 }), /x\/config.json: sliding_window 32 is shorter than max_position_embeddings 64: sliding-window attention is not supported/);
  assert.throws(() => parse({ ...small, model_type: 'mistral', max_position_embeddings: 8192 }), /sliding_window 4096 is shorter than max_position_embeddings 8192/);
  assert.equal(parse({ ...small, model_type: 'mistral', sliding_window: 64 }).maxPositions, 64);
  assert.equal(parse({ ...small, model_type: 'mistral', sliding_window: null }).maxPositions, 64);
  // Qwen2: only with use_sliding_window true.
  assert.equal(parse({ ...small, model_type: 'qwen2', sliding_window: 32, use_sliding_window: false }).maxPositions, 64);
  assert.throws(() => parse({ ...small, model_type: 'qwen2', sliding_window: 32, use_sliding_window: true }), /sliding_window 32 is shorter than max_position_embeddings 64/);
});

test('Llama 3 rope_scaling (rope_scaling or rope_parameters) is parsed and rescales the inverse frequencies as derived by hand', () => {
  const rs = { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 1024 };
  const a = parse({ ...small, model_type: 'llama', rope_theta: 10000, rope_scaling: rs });
  const b = parse({ ...small, model_type: 'llama', rope_parameters: { ...rs, rope_theta: 10000 } });
  const want = { theta: 10000, scaling: { ropeType: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 1024 } };
  assert.deepEqual(a.rope, want);
  assert.deepEqual(b.rope, want);
  // D = 8, theta 10000: invFreq = 1, 0.1, 0.01, 0.001; wavelengths 2 pi / f = 6.283, 62.83, 628.3, 6283.
  // original context 1024: low-frequency wavelength 1024 / 1 = 1024, high-frequency 1024 / 4 = 256.
  //   6.283, 62.83 < 256: kept;  6283 > 1024: 0.001 / 8 = 0.000125;
  //   628.3 in between: s = (1024 / 628.3185 - 1) / (4 - 1) = 0.209916,
  //   (1 - s) * 0.01 / 8 + s * 0.01 = 0.000987605 + 0.00209916 = 0.00308676.
  const inv = inverseFrequencies(8, a.rope);
  [1, 0.1, 0.00308676, 0.000125].forEach((v, i) => assert.ok(Math.abs(inv[i]! - v) <= 1e-6 * v + 1e-9, `invFreq[${i}] = ${inv[i]}, derived ${v}`));
  // original context 8192: 628.3 < 2048 is kept; 6283 in [2048, 8192]: s = (8192 / 6283.185 - 1) / 3 = 0.101265,
  //   (1 - s) * 0.001 / 8 + s * 0.001 = 0.000112342 + 0.000101265 = 0.000213608.
  const c = inverseFrequencies(8, { theta: 10000, scaling: { ...want.scaling, ropeType: 'llama3', originalMaxPositions: 8192 } });
  [1, 0.1, 0.01, 0.000213608].forEach((v, i) => assert.ok(Math.abs(c[i]! - v) <= 1e-6 * v + 1e-9, `invFreq[${i}] = ${c[i]}, derived ${v}`));
  // without scaling: plain 1 / theta^(2i/D)
  assert.deepEqual([...inverseFrequencies(8, { theta: 10000, scaling: null })].map((x) => Number(x.toPrecision(6))), [1, 0.1, 0.01, 0.001]);
});

test('toConfigJson writes the model_type, architecture and switches back (Qwen2 and Llama 3 round trip)', () => {
  const rs = { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 16 };
  for (const [raw, arch] of [[{ ...small, model_type: 'qwen2' }, 'Qwen2ForCausalLM'], [{ ...small, model_type: 'llama', rope_scaling: rs, mlp_bias: true }, 'LlamaForCausalLM']] as const) {
    const fam = getFamily<LlamaLikeConfig>(raw.model_type);
    const c = fam.parseConfig(raw, 'c.json');
    const json = fam.toConfigJson(c, fam.paramShapes(c));
    assert.deepEqual(json.architectures, [arch]);
    const back = fam.parseConfig(JSON.parse(JSON.stringify(json)), 'back.json');
    assert.deepEqual({ ...back, raw: null }, { ...c, raw: null });
  }
});
