// Acceptance 3 of issue 16: a random GQA Llama config's logits match an independent float64
// reference (torch 1.13 float64, test/model/llama-torch-reference.py, run here with /usr/bin/python3)
// within 1e-4, both built in memory and read back from a GGUF file written with llama.cpp's q/k
// permutation (test/helpers/gguf-writer.ts). The same reference, with its switches, checks the
// Llama-like variants: Qwen2's q/k/v biases, and Llama's attention_bias / mlp_bias with Llama 3
// rope_scaling (the reference rescales the frequencies from the formula, not through our code).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, getFamily, logits, loadModel, type LanguageModel, type LlamaConfig } from '../../kernel-lib/index.ts';
import { disposeModel } from '../../kernel-lib/model/dispose-model.ts';
import { f32Bytes, ggufBytes, permuteToGguf, type GgufTensorSpec } from '../helpers/gguf-writer.ts';

const llama = getFamily<LlamaConfig>('llama');

const PY = '/usr/bin/python3';
const hasTorch = spawnSync(PY, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const skip = hasTorch ? false : `${PY} with torch is not installed (apt-get install python3-torch)`;

interface Ref {
  V: number; C: number; L: number; H: number; K: number; D: number; F: number; theta: number; eps: number; ids: number[]; tied: boolean;
  qkv_bias?: boolean; o_bias?: boolean; mlp_bias?: boolean;
  rope_scaling?: { factor: number; low_freq_factor: number; high_freq_factor: number; original_max_position_embeddings: number };
}

before(async () => { await initBackend({ quiet: true }); });

/** The weight formula llama-torch-reference.py uses, over the same name order (a bias right after its weight). */
function formulaWeights(r: Ref): Map<string, { shape: number[]; data: Float32Array }> {
  const names: [string, number[]][] = [['model.embed_tokens.weight', [r.V, r.C]]];
  const proj = (name: string, shape: number[], bias: boolean | undefined) => {
    names.push([`${name}.weight`, shape]);
    if (bias) names.push([`${name}.bias`, [shape[0]!]]);
  };
  for (let i = 0; i < r.L; i++) {
    const p = `model.layers.${i}`;
    names.push([`${p}.input_layernorm.weight`, [r.C]]);
    proj(`${p}.self_attn.q_proj`, [r.H * r.D, r.C], r.qkv_bias); proj(`${p}.self_attn.k_proj`, [r.K * r.D, r.C], r.qkv_bias);
    proj(`${p}.self_attn.v_proj`, [r.K * r.D, r.C], r.qkv_bias); proj(`${p}.self_attn.o_proj`, [r.C, r.H * r.D], r.o_bias);
    names.push([`${p}.post_attention_layernorm.weight`, [r.C]]);
    proj(`${p}.mlp.gate_proj`, [r.F, r.C], r.mlp_bias); proj(`${p}.mlp.up_proj`, [r.F, r.C], r.mlp_bias); proj(`${p}.mlp.down_proj`, [r.C, r.F], r.mlp_bias);
  }
  names.push(['model.norm.weight', [r.C]]);
  if (!r.tied) names.push(['lm_head.weight', [r.V, r.C]]);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  names.forEach(([n, shape], k) => {
    const size = shape.reduce((a, d) => a * d, 1), data = new Float32Array(size);
    const scale = n.includes('embed') || n.includes('lm_head') ? 1 : 0.6;
    for (let j = 0; j < size; j++) {
      data[j] = n.endsWith('.bias') ? 0.2 * Math.cos(1.3 * j + 0.9 * k) : shape.length === 1 ? 1 + 0.3 * Math.sin(0.7 * j + 0.9 * k) : scale * Math.sin(1.7 * j + 0.9 * k + 0.1);
    }
    out.set(n, { shape, data });
  });
  return out;
}

function torchLogits(r: Ref): number[][] {
  const p = spawnSync(PY, [join(import.meta.dirname, 'llama-torch-reference.py')], { input: JSON.stringify(r), encoding: 'utf8' });
  assert.equal(p.status, 0, p.stderr);
  return JSON.parse(p.stdout) as number[][];
}

function ours(model: LanguageModel, ids: number[]): number[][] {
  const z = tf.tidy(() => logits(model, tf.tensor2d(ids, [1, ids.length], 'int32')));
  const v = z.arraySync() as number[][][];
  z.dispose();
  return v[0]!;
}

function maxAbsDiff(a: number[][], b: number[][]): number {
  assert.equal(a.length, b.length);
  let m = 0;
  a.forEach((row, t) => { assert.equal(row.length, b[t]!.length); row.forEach((x, v) => { m = Math.max(m, Math.abs(x - b[t]![v]!)); }); });
  return m;
}

test('GQA Llama (6 q heads, 2 kv heads, head_dim 4 != hidden/heads, untied) matches torch float64 logits within 1e-4', { skip }, () => {
  const r: Ref = { V: 11, C: 12, L: 2, H: 6, K: 2, D: 4, F: 10, theta: 500, eps: 1e-5, ids: [0, 3, 7, 1, 10, 10, 4, 2, 9], tied: false };
  const config = llama.parseConfig({
    model_type: 'llama', vocab_size: r.V, hidden_size: r.C, num_hidden_layers: r.L, num_attention_heads: r.H, num_key_value_heads: r.K,
    head_dim: r.D, intermediate_size: r.F, rope_theta: r.theta, rms_norm_eps: r.eps, max_position_embeddings: 64, tie_word_embeddings: false,
  }, 'test config');
  const params = new Map([...formulaWeights(r)].map(([n, w]) => [n, tf.variable(tf.tensor(w.data, w.shape))]));
  llama.checkShapes(config, new Map([...params].map(([n, v]) => [n, v.shape])), 'test');
  const model: LanguageModel<LlamaConfig> = { family: 'llama', config, params };
  const d = maxAbsDiff(ours(model, r.ids), torchLogits(r));
  disposeModel(model);
  assert.ok(d < 1e-4, `max |tfjs - torch| = ${d}`);
});

test('the same kind of config read from a GGUF file (q/k rows in llama.cpp\'s interleaved order, tied head) matches torch within 1e-4', { skip }, async () => {
  const r: Ref = { V: 11, C: 16, L: 2, H: 4, K: 2, D: 4, F: 10, theta: 10000, eps: 1e-6, ids: [1, 5, 9, 2, 2, 7, 0, 3], tied: true };
  const w = formulaWeights(r);
  const gg: Record<string, string> = {
    input_layernorm: 'attn_norm', 'self_attn.q_proj': 'attn_q', 'self_attn.k_proj': 'attn_k', 'self_attn.v_proj': 'attn_v',
    'self_attn.o_proj': 'attn_output', post_attention_layernorm: 'ffn_norm', 'mlp.gate_proj': 'ffn_gate', 'mlp.up_proj': 'ffn_up', 'mlp.down_proj': 'ffn_down',
  };
  const tensors: GgufTensorSpec[] = [...w].map(([n, t]) => {
    let name = n === 'model.embed_tokens.weight' ? 'token_embd.weight' : n === 'model.norm.weight' ? 'output_norm.weight' : '';
    let data = t.data;
    const m = /^model\.layers\.(\d+)\.(.+)\.weight$/.exec(n);
    if (m) {
      name = `blk.${m[1]}.${gg[m[2]!]}.weight`;
      if (m[2] === 'self_attn.q_proj') data = permuteToGguf(data, r.H, r.C);
      if (m[2] === 'self_attn.k_proj') data = permuteToGguf(data, r.K, r.C);
    }
    return { name, shape: t.shape, type: 0, bytes: f32Bytes(data) };
  });
  const file = join(mkdtempSync(join(tmpdir(), 'llama-gguf-')), 'tiny.gguf');
  writeFileSync(file, ggufBytes([
    { key: 'general.architecture', type: 'str', value: 'llama' },
    { key: 'llama.context_length', type: 'u32', value: 64 }, { key: 'llama.embedding_length', type: 'u32', value: r.C },
    { key: 'llama.block_count', type: 'u32', value: r.L }, { key: 'llama.feed_forward_length', type: 'u32', value: r.F },
    { key: 'llama.attention.head_count', type: 'u32', value: r.H }, { key: 'llama.attention.head_count_kv', type: 'u32', value: r.K },
    { key: 'llama.rope.dimension_count', type: 'u32', value: r.D }, { key: 'llama.attention.layer_norm_rms_epsilon', type: 'f32', value: r.eps },
  ], tensors));
  const model = await loadModel(file);
  assert.equal(model.config.tieWordEmbeddings, true);
  assert.equal(model.params.has('lm_head.weight'), false);
  const d = maxAbsDiff(ours(model, r.ids), torchLogits(r));
  disposeModel(model);
  assert.ok(d < 1e-4, `max |tfjs - torch| = ${d}`);
});

/** Builds the in-memory model of `raw` with the formula weights of `r`. */
function formulaModel(raw: Record<string, unknown>, r: Ref): LanguageModel<LlamaConfig> {
  const fam = getFamily<LlamaConfig>(raw.model_type as string);
  const config = fam.parseConfig(raw, 'test config');
  const params = new Map([...formulaWeights(r)].map(([n, w]) => [n, tf.variable(tf.tensor(w.data, w.shape))]));
  fam.checkShapes(config, new Map([...params].map(([n, v]) => [n, v.shape])), 'test');
  return { family: fam.name, config, params };
}

test('Qwen2 (q/k/v biases, no o_proj bias, GQA 6/2, untied) matches torch float64 logits within 1e-4', { skip }, () => {
  const r: Ref = { V: 13, C: 12, L: 2, H: 6, K: 2, D: 4, F: 10, theta: 1000, eps: 1e-6, ids: [0, 3, 7, 1, 12, 10, 4, 2, 9], tied: false, qkv_bias: true };
  const model = formulaModel({
    model_type: 'qwen2', vocab_size: r.V, hidden_size: r.C, num_hidden_layers: r.L, num_attention_heads: r.H, num_key_value_heads: r.K,
    head_dim: r.D, intermediate_size: r.F, rope_theta: r.theta, rms_norm_eps: r.eps, max_position_embeddings: 64, tie_word_embeddings: false, eos_token_id: 2,
    use_sliding_window: false, sliding_window: 32,
  }, r);
  assert.ok(model.params.has('model.layers.0.self_attn.k_proj.bias') && !model.params.has('model.layers.0.self_attn.o_proj.bias'));
  const d = maxAbsDiff(ours(model, r.ids), torchLogits(r));
  disposeModel(model);
  assert.ok(d < 1e-4, `max |tfjs - torch| = ${d}`);
});

test('Llama 3 rope_scaling with attention_bias and mlp_bias (GQA 4/2, tied) matches torch float64 logits within 1e-4', { skip }, () => {
  // original context 16, factors 1 / 4: wavelength 2 pi / f of D = 8 at theta 10000 is 6.28 (between 16/4 and 16: smoothed),
  // then 62.8, 628, 6283 (above 16: divided by 8), so every branch of the rescaling is exercised.
  const rope_scaling = { factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 16 };
  const r: Ref = { V: 11, C: 16, L: 2, H: 4, K: 2, D: 8, F: 12, theta: 10000, eps: 1e-5, ids: [1, 5, 9, 2, 2, 7, 0, 3, 10, 4, 6], tied: true, qkv_bias: true, o_bias: true, mlp_bias: true, rope_scaling };
  const model = formulaModel({
    model_type: 'llama', vocab_size: r.V, hidden_size: r.C, num_hidden_layers: r.L, num_attention_heads: r.H, num_key_value_heads: r.K,
    head_dim: r.D, intermediate_size: r.F, rope_theta: r.theta, rms_norm_eps: r.eps, max_position_embeddings: 64, tie_word_embeddings: true,
    attention_bias: true, mlp_bias: true, rope_scaling: { rope_type: 'llama3', ...rope_scaling },
  }, r);
  const d = maxAbsDiff(ours(model, r.ids), torchLogits(r));
  // the same weights without the scaling are far from the reference: the test sees the rescaling
  const plain = torchLogits({ ...r, rope_scaling: undefined });
  const apart = maxAbsDiff(ours(model, r.ids), plain);
  disposeModel(model);
  assert.ok(d < 1e-4, `max |tfjs - torch| = ${d}`);
  assert.ok(apart > 1e-2, `unscaled reference only ${apart} away`);
});

test('parseConfig names the file and the key it refuses', () => {
  assert.throws(() => llama.parseConfig({ model_type: 'llama', num_attention_heads: 6, num_key_value_heads: 4 }, 'x/config.json'), /x\/config.json: num_attention_heads \(6\) must be a multiple of num_key_value_heads \(4\)/);
  assert.throws(() => llama.parseConfig({ model_type: 'llama', hidden_act: 'gelu' }, 'x/config.json'), /x\/config.json: hidden_act "gelu"/);
  assert.throws(() => llama.parseConfig({ model_type: 'llama', mlp_bias: 'yes' }, 'x/config.json'), /x\/config.json: mlp_bias must be a boolean/);
  assert.throws(() => llama.parseConfig({ model_type: 'llama', rms_norm_eps: 'small' }, 'x/config.json'), /rms_norm_eps must be a finite number/);
});
