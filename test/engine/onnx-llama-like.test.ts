/**
 * The one ONNX description of the Llama-like decoder (engine/onnx-llama-like.ts) against the tfjs
 * forward of the same weights, logits within 1e-4 at every position of two sequences, once over
 * the whole window and once in two pieces through the key/value cache: a GQA Llama (6 q / 2 kv
 * heads, untied head, RMSNorm weights away from 1, Llama 3 rope_scaling), a Qwen2 (q/k/v biases),
 * an OLMo with clip_qkv small enough to clip, and a Llama with attention_bias and mlp_bias pruned
 * unevenly per layer. The exported folder (lab export's exportOnnx) of the GQA Llama and of the
 * Qwen2 says its model_type in config.json and its model.onnx gives the same logits.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, logits, applyPlan, exportOnnx, type LanguageModel } from '../../kernel-lib/index.ts';
import { disposeModel } from '../../kernel-lib/model/dispose-model.ts';
import { loadOrt } from '../../kernel-lib/engine/ort-runtime.ts';
import { runDecoder } from '../../kernel-lib/engine/ort-decoder.ts';
import { openOnnxDecoder } from '../../kernel-lib/engine/onnx-file.ts';
import { randomLlamaLike } from '../helpers/random-llama-like.ts';

const ortReason = loadOrt().reason;
const skip = loadOrt().ort ? false : `onnxruntime-node does not load here: ${ortReason}`;

before(async () => { await initBackend({ quiet: true }); });

const randomModel = randomLlamaLike;

const B = 2, T = 9;
const IDS = Array.from({ length: B * T }, (_, k) => (k * 37 + 11) % 50);

function tfjsLogits(model: LanguageModel): Float32Array {
  return tf.tidy(() => logits(model, tf.tensor2d(IDS, [B, T], 'int32')).dataSync() as Float32Array);   // [B, T, V]
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!));
  return m;
}

/** ORT through the cache: the first 5 positions, then the last 4 with the cached keys/values. */
function cachedOrtLogits(model: LanguageModel): Float32Array {
  const V = model.config.vocabSize, out = new Float32Array(B * T * V);
  for (let b = 0; b < B; b++) {
    const row = IDS.slice(b * T, (b + 1) * T);
    const first = runDecoder(model, row.slice(0, 5), 1, 5, null);
    const second = runDecoder(model, row.slice(5), 1, T - 5, first.present);
    out.set(first.logits, b * T * V);
    out.set(second.logits, (b * T + 5) * V);
  }
  return out;
}

function checkOrt(name: string, model: LanguageModel): void {
  const want = tfjsLogits(model);
  const whole = maxDiff(runDecoder(model, IDS, B, T, null).logits, want);
  const cached = maxDiff(cachedOrtLogits(model), want);
  console.log(`# ${name}: max |ort - tfjs| ${whole.toExponential(2)} (window), ${cached.toExponential(2)} (cache)`);
  assert.ok(whole <= 1e-4, `${name}: window ${whole}`);
  assert.ok(cached <= 1e-4, `${name}: cache ${cached}`);
}

const base = { vocab_size: 50, hidden_size: 24, num_hidden_layers: 2, intermediate_size: 40, max_position_embeddings: 64, eos_token_id: 2 };
const gqaLlama = {
  ...base, model_type: 'llama', num_attention_heads: 6, num_key_value_heads: 2, head_dim: 8, tie_word_embeddings: false, rms_norm_eps: 1e-5,
  rope_theta: 10000, rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 16 },
};
const qwen2 = { ...base, model_type: 'qwen2', num_attention_heads: 4, num_key_value_heads: 2, tie_word_embeddings: false, rope_theta: 1000000 };

test('ort = tfjs: GQA Llama (6 q / 2 kv heads, untied, RMSNorm weights, llama3 rope_scaling)', { skip }, () => {
  const m = randomModel(gqaLlama, 1);
  assert.ok(m.params.has('lm_head.weight') && m.params.has('model.norm.weight'));
  checkOrt('llama gqa', m);
  disposeModel(m);
});

test('ort = tfjs: Qwen2 (q/k/v biases, no o_proj bias)', { skip }, () => {
  const m = randomModel(qwen2, 2);
  assert.ok(m.params.has('model.layers.1.self_attn.v_proj.bias') && !m.params.has('model.layers.1.self_attn.o_proj.bias'));
  checkOrt('qwen2', m);
  disposeModel(m);
});

test('ort = tfjs: OLMo with clip_qkv (clipping active), GQA, untied', { skip }, () => {
  const m = randomModel({ ...base, model_type: 'olmo', num_attention_heads: 4, num_key_value_heads: 2, clip_qkv: 0.5, tie_word_embeddings: false, pad_token_id: 1 }, 3);
  const h = tf.tidy(() => tf.max(tf.abs(tf.matMul(tf.randomNormal([8, 24]), tf.transpose(m.params.get('model.layers.0.self_attn.q_proj.weight')!)))).dataSync()[0]!);
  assert.ok(h > 0.5, `q projections reach ${h}: clip_qkv 0.5 clips`);
  checkOrt('olmo clip_qkv', m);
  disposeModel(m);
});

test('ort = tfjs: Llama with attention_bias and mlp_bias, pruned unevenly (1 of 2 kv groups in layer 0, MLP 40 -> 13 in layer 1)', { skip }, () => {
  const dense = randomModel({ ...base, model_type: 'llama', num_attention_heads: 4, num_key_value_heads: 2, attention_bias: true, mlp_bias: true }, 4);
  const pruned = applyPlan(dense, {
    family: 'llama', criterion: 'manual', selection: 'manual', groups: [
      { kind: 'heads', layer: 0, count: 2, keep: [1], scores: [] },
      { kind: 'mlp', layer: 1, count: 40, keep: Array.from({ length: 13 }, (_, k) => 3 * k), scores: [] },
    ],
  });
  assert.deepEqual(pruned.params.get('model.layers.0.self_attn.q_proj.bias')!.shape, [12]);   // 2 q heads of D 6
  assert.deepEqual(pruned.params.get('model.layers.1.mlp.up_proj.bias')!.shape, [13]);
  checkOrt('pruned llama with biases', pruned);
  disposeModel(dense); disposeModel(pruned);
});

test('exportOnnx: a GQA Llama and a Qwen2 folder say their model_type, and model.onnx gives the tfjs logits', { skip }, () => {
  for (const [raw, arch, seed] of [[gqaLlama, 'LlamaForCausalLM', 5], [qwen2, 'Qwen2ForCausalLM', 6]] as const) {
    const m = randomModel(raw, seed);
    const dir = join(mkdtempSync(join(tmpdir(), 'onnx-llama-like-')), 'out');
    const r = exportOnnx(m, dir);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.deepEqual([cfg.model_type, cfg.architectures, cfg.num_attention_heads, cfg.num_key_value_heads, cfg.use_cache], [raw.model_type, [arch], raw.num_attention_heads, 2, true]);
    const d = openOnnxDecoder(r.modelFile);
    try {
      const d1 = maxDiff(d.run(IDS, null, B).logits, tfjsLogits(m));
      assert.ok(d1 <= 1e-4, `${raw.model_type} export: ${d1}`);
    } finally { d.dispose(); disposeModel(m); }
  }
});
