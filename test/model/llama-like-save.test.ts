/**
 * Checkpoints of the Llama-like decoder that the lab saves load back exactly: a Qwen2 with q/k/v
 * biases pruned unevenly (one kv group out of layer 0, MLP 40 -> 25 in layer 1) is refused in
 * transformers' layout (its config has one head count and one intermediate_size), saved in the
 * lab's per-layer layout instead ('auto' picks it and says why), and reloads with the same
 * tensors (biases included) and the same logits; a uniform prune saves as Qwen2ForCausalLM.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, getFamily, logits, loadModel, saveModel, applyPlan, type LanguageModel } from '../../kernel-lib/index.ts';
import { disposeModel } from '../../kernel-lib/model/dispose-model.ts';

before(async () => { await initBackend({ quiet: true }); });

const raw = {
  model_type: 'qwen2', vocab_size: 40, hidden_size: 24, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2,
  intermediate_size: 40, max_position_embeddings: 32, eos_token_id: 2, tie_word_embeddings: true, initializer_range: 0.2,
};

function qwen2(): LanguageModel {
  const fam = getFamily('qwen2');
  const config = fam.parseConfig(raw, 'test config');
  const params = new Map([...fam.initParams(config, 9)].map(([n, t], k) => {
    const v = t.rank === 1 ? tf.tidy(() => tf.add(t, tf.randomNormal(t.shape, 0, 0.3, 'float32', k))) : t;
    if (v !== t) t.dispose();
    return [n, tf.variable(v)];
  }));
  return { family: 'qwen2', config, params };
}

const ids = () => tf.tensor2d([[3, 1, 4, 1, 5, 9, 2, 6]], [1, 8], 'int32');
const logitsOf = (m: LanguageModel) => tf.tidy(() => logits(m, ids()).dataSync() as Float32Array);

test('an unevenly pruned Qwen2 (biases) saves in the lab layout and reloads exactly', async () => {
  const dense = qwen2();
  const pruned = applyPlan(dense, {
    family: 'qwen2', criterion: 'manual', selection: 'manual', groups: [
      { kind: 'heads', layer: 0, count: 2, keep: [1], scores: [] },
      { kind: 'mlp', layer: 1, count: 40, keep: Array.from({ length: 25 }, (_, k) => k + 15), scores: [] },
    ],
  });
  const root = mkdtempSync(join(tmpdir(), 'llama-like-save-'));
  await assert.rejects(saveModel(pruned, join(root, 'hf')), /cannot export Qwen2 config: MLP widths differ per layer \(40, 25\)/);
  const saved = await saveModel(pruned, join(root, 'auto'), { layout: 'auto' });
  assert.equal(saved.layout, 'lab');
  const back = await loadModel(join(root, 'auto'));
  try {
    assert.equal(back.family, 'qwen2');
    assert.deepEqual([...back.params.keys()].sort(), [...pruned.params.keys()].sort());
    for (const [n, v] of pruned.params) assert.deepEqual(back.params.get(n)!.dataSync(), v.dataSync(), n);
    assert.deepEqual(back.params.get('model.layers.0.self_attn.q_proj.bias')!.shape, [12]);
    assert.deepEqual(logitsOf(back), logitsOf(pruned));
  } finally { disposeModel(back); }
  // uniform: one kv group out of every layer -> transformers' layout
  const uniform = applyPlan(dense, {
    family: 'qwen2', criterion: 'manual', selection: 'manual',
    groups: [0, 1].map((layer) => ({ kind: 'heads' as const, layer, count: 2, keep: [0], scores: [] })),
  });
  await saveModel(uniform, join(root, 'uniform'));
  const cfg = JSON.parse(readFileSync(join(root, 'uniform', 'config.json'), 'utf8'));
  assert.deepEqual([cfg.architectures, cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim], [['Qwen2ForCausalLM'], 2, 1, 6]);
  const u = await loadModel(join(root, 'uniform'));
  try { assert.deepEqual(logitsOf(u), logitsOf(uniform)); } finally { disposeModel(u); }
  for (const m of [dense, pruned, uniform]) disposeModel(m);
});
