/**
 * Acceptance of the ONNX Runtime engine: per-request log-likelihoods (summed over the
 * continuation) and greedy flags from `ort` equal those from `tfjs` within 1e-4 on 50 real
 * PIQA and 50 real HellaSwag documents, with identical accuracies, for three random models:
 * GPT-2 small's widths (C768, H12, V50257; 2 layers instead of 12 to keep the tfjs side of the
 * suite short: the engine code is the same per layer), the same pruned unevenly (7 and 3 heads,
 * MLP 1600 and 900 neurons), an OLMo-family model (GQA, clip_qkv, untied head), a GQA Llama
 * (8 q / 2 kv heads, untied head, RMSNorm weights moved away from 1) and a Qwen2 (q/k/v biases
 * moved away from 0), both through the one Llama-like ONNX description.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, evaluate, loadTokenizer, getFamily, applyPlan, type LanguageModel } from '../../kernel-lib/index.ts';

const REAL = process.env.LAB_REAL_DATA;
const skip = REAL ? false : 'LAB_REAL_DATA unset: needs the real PIQA and HellaSwag files';

before(async () => { await initBackend({ quiet: true }); });

/** transformers' initialisation; with `move1d`, every 1-D tensor (norm weights, biases) gets
 *  normal(0, 0.3) added, so a norm weight or bias one engine ignored would show. */
function randomModel(raw: Record<string, unknown>, seed: number, move1d = false): LanguageModel {
  const fam = getFamily(raw.model_type as string);
  const config = fam.parseConfig(raw, 'test config');
  const params = new Map([...fam.initParams(config, seed)].map(([n, t], k) => {
    const moved = move1d && t.rank === 1 ? tf.tidy(() => tf.add(t, tf.randomNormal(t.shape, 0, 0.3, 'float32', seed * 7919 + k))) : t;
    if (moved !== t) t.dispose();
    return [n, tf.variable(moved, false, `ort-vs-tfjs/${seed}/${n}`)];
  }));
  return { family: fam.name, config, params };
}

const gpt2Raw = { model_type: 'gpt2', vocab_size: 50257, n_positions: 1024, n_embd: 768, n_layer: 2, n_head: 12, eos_token_id: 50256, bos_token_id: 50256 };
const olmoRaw = {
  model_type: 'olmo', vocab_size: 50257, hidden_size: 512, num_hidden_layers: 2, num_attention_heads: 8, num_key_value_heads: 4,
  intermediate_size: 1376, max_position_embeddings: 1024, clip_qkv: 8, tie_word_embeddings: false,
  eos_token_id: 50256, pad_token_id: 1,
};

const llamaRaw = {
  model_type: 'llama', vocab_size: 50257, hidden_size: 256, num_hidden_layers: 2, num_attention_heads: 8, num_key_value_heads: 2,
  intermediate_size: 688, max_position_embeddings: 1024, tie_word_embeddings: false, rms_norm_eps: 1e-5, eos_token_id: 50256, bos_token_id: 50256,
};
const qwen2Raw = { ...llamaRaw, model_type: 'qwen2', num_attention_heads: 4, rope_theta: 1000000, use_sliding_window: false };

async function compare(name: string, model: LanguageModel): Promise<void> {
  const tok = loadTokenizer('gpt2');
  const run = (engine: 'ort' | 'tfjs') => evaluate(model, tok, ['piqa', 'hellaswag'], {
    dataDir: REAL!, limit: 50, batchSize: 16, cacheDir: null, quiet: true, bootstrapIters: 0, logSamples: true, engine,
  });
  const a = await run('ort'), b = await run('tfjs');
  for (const task of ['piqa', 'hellaswag']) {
    const sa = a.samples![task]!, sb = b.samples![task]!;
    assert.equal(sa.length, 50, `${name} ${task}: documents`);
    let worst = 0, n = 0;
    sa.forEach((doc, d) => {
      const ra = doc.resps as unknown as [number, boolean][][], rb = sb[d]!.resps as unknown as [number, boolean][][];
      ra.forEach((r, k) => {
        const [lla, ga] = r[0]!;
        const [llb, gb] = rb[k]![0]!;
        worst = Math.max(worst, Math.abs(lla - llb));
        assert.ok(Math.abs(lla - llb) <= 1e-4, `${name} ${task} doc ${d} choice ${k}: ort ${lla} vs tfjs ${llb}`);
        assert.equal(ga, gb, `${name} ${task} doc ${d} choice ${k}: greedy`);
        n++;
      });
    });
    for (const m of ['acc,none', 'acc_norm,none']) assert.equal(a.results[task]![m], b.results[task]![m], `${name} ${task} ${m}`);
    console.log(`# ${name} ${task}: ${n} requests, max |ort - tfjs| = ${worst.toExponential(2)}, acc ${a.results[task]!['acc,none']}`);
  }
}

test('ort = tfjs on real PIQA + HellaSwag: GPT-2 small widths (2 layers)', { skip }, async () => {
  const m = randomModel(gpt2Raw, 1);
  await compare('gpt2', m);
  for (const v of m.params.values()) v.dispose();
});

test('ort = tfjs on real PIQA + HellaSwag: pruned GPT-2 (uneven heads, narrower MLP)', { skip }, async () => {
  const dense = randomModel(gpt2Raw, 2);
  const keep = (n: number, of: number) => Array.from({ length: n }, (_, k) => Math.floor((k * of) / n));
  const pruned = applyPlan(dense, {
    family: 'gpt2', criterion: 'manual', selection: 'manual', groups: [
      { kind: 'heads', layer: 0, count: 12, keep: keep(7, 12), scores: [] },
      { kind: 'heads', layer: 1, count: 12, keep: keep(3, 12), scores: [] },
      { kind: 'mlp', layer: 0, count: 3072, keep: keep(1600, 3072), scores: [] },
      { kind: 'mlp', layer: 1, count: 3072, keep: keep(900, 3072), scores: [] },
    ],
  });
  assert.equal(pruned.params.get('h.1.attn.c_attn.weight')!.shape[1], 3 * 3 * 64);
  await compare('pruned gpt2', pruned);
  for (const v of [...dense.params.values(), ...pruned.params.values()]) if (!v.isDisposed) v.dispose();
});

test('ort = tfjs on real PIQA + HellaSwag: OLMo family (GQA, clip_qkv, untied head)', { skip }, async () => {
  const m = randomModel(olmoRaw, 3);
  await compare('olmo', m);
  for (const v of m.params.values()) v.dispose();
});

test('ort = tfjs on real PIQA + HellaSwag: GQA Llama (8 q / 2 kv heads, untied head, RMSNorm weights)', { skip }, async () => {
  const m = randomModel(llamaRaw, 4, true);
  await compare('llama', m);
  for (const v of m.params.values()) v.dispose();
});

test('ort = tfjs on real PIQA + HellaSwag: Qwen2 (q/k/v biases)', { skip }, async () => {
  const m = randomModel(qwen2Raw, 5, true);
  assert.ok(m.params.has('model.layers.0.self_attn.q_proj.bias'));
  await compare('qwen2', m);
  for (const v of m.params.values()) v.dispose();
});
