// Acceptance 2 of issue 16: stories260K's Hugging Face export (LlamaForCausalLM config.json +
// model.safetensors) reloads with identical logits, and torch float64 running the exported
// tensors with transformers' Llama semantics (rotate-half RoPE) agrees, so the q/k rows were
// unpermuted into HF's layout; a pruned export (MLP 50%, one KV group per layer) scores exactly
// as the in-memory pruned model; uneven shapes are refused at export and nothing is written.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, loadModel, saveModel, logits, scoreTokens, loadTokenizer, applyPlan, type LanguageModel } from '../../kernel-lib/index.ts';
import { disposeModel } from '../../kernel-lib/model/dispose-model.ts';
import { saveGgufTokenizer } from '../../kernel-lib/tokenizer/save-gguf-tokenizer.ts';
import type { PlanGroup } from '../../kernel-lib/prune/pruning-plan.ts';

const REAL = process.env.LAB_REAL_DATA;
const skip = REAL ? false : 'LAB_REAL_DATA unset: needs the real stories260K GGUF';
const GGUF = REAL ? join(REAL, 'stories260K', 'stories260K.gguf') : '';
const PY = '/usr/bin/python3';
const hasTorch = spawnSync(PY, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const TEXT = 'Once upon a time, there was a little dog named Max. Max liked to run in the big green park with his friend.';

before(async () => { await initBackend({ quiet: true }); });

function allLogits(m: LanguageModel, ids: number[]): Float32Array {
  const z = tf.tidy(() => logits(m, tf.tensor2d(ids, [1, ids.length], 'int32')));
  const v = z.dataSync() as Float32Array;
  z.dispose();
  return v;
}

function scores(m: LanguageModel, ids: number[]): Float32Array {
  const T = ids.length - 1;
  return scoreTokens(m, Int32Array.from(ids.slice(0, T)), 1, T, Int32Array.from(ids.slice(1))).logprobs;
}

test('stories260K HF export: LlamaForCausalLM config, identical logits on reload, torch float64 agrees on the exported tensors', { skip }, async () => {
  const m = await loadModel(GGUF);
  const tok = loadTokenizer(GGUF);
  const dir = join(mkdtempSync(join(tmpdir(), 'llama-export-')), 'hf');
  try {
    await saveModel(m, dir);
    saveGgufTokenizer(GGUF, dir);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.deepEqual(cfg.architectures, ['LlamaForCausalLM']);
    assert.deepEqual([cfg.model_type, cfg.hidden_size, cfg.intermediate_size, cfg.num_hidden_layers, cfg.num_attention_heads, cfg.num_key_value_heads, cfg.vocab_size, cfg.tie_word_embeddings, cfg.rms_norm_eps, cfg.rope_theta, cfg.bos_token_id, cfg.eos_token_id],
      ['llama', 64, 172, 5, 8, 4, 512, true, 1e-5, 10000, 1, 2]);
    const ids = [1, ...tok.encode(TEXT)];
    const back = await loadModel(dir);
    const tokBack = loadTokenizer(dir);
    assert.deepEqual(tokBack.encode(TEXT), tok.encode(TEXT));
    assert.equal(back.params.has('lm_head.weight'), false);
    const a = allLogits(m, ids), b = allLogits(back, ids);
    assert.equal(a.length, ids.length * 512);
    assert.ok(a.every((x, i) => x === b[i]), 'reloaded logits are identical');
    disposeModel(back);
    if (!hasTorch) return;   // the torch cross-check below needs /usr/bin/python3 with torch
    const p = spawnSync(PY, [join(import.meta.dirname, 'llama-torch-reference.py'), dir], { input: JSON.stringify({ ids }), encoding: 'utf8' });
    assert.equal(p.status, 0, p.stderr);
    const ref = (JSON.parse(p.stdout) as number[][]).flat();
    let d = 0;
    ref.forEach((x, i) => { d = Math.max(d, Math.abs(x - a[i]!)); });
    assert.ok(d < 1e-4, `max |ours - torch float64 on the export| = ${d}`);
  } finally {
    disposeModel(m);
  }
});

test('pruned export (MLP 50%, one KV group per layer) scores identically; uneven shapes are refused at export, nothing written', { skip }, async () => {
  const m = await loadModel(GGUF);
  const tok = loadTokenizer(GGUF);
  const root = mkdtempSync(join(tmpdir(), 'llama-prune-'));
  const ids = [1, ...tok.encode(TEXT)];
  const groups: PlanGroup[] = [];
  for (let l = 0; l < 5; l++) {
    groups.push({ kind: 'heads', layer: l, count: 4, keep: [0, 1, 2, 3].filter((u) => u !== l % 4), scores: [] });
    groups.push({ kind: 'mlp', layer: l, count: 172, keep: [...Array(172).keys()].filter((u) => (u + l) % 2 === 0), scores: [] });
  }
  const pruned = applyPlan(m, { family: 'llama', criterion: 'manual', selection: 'uniform', groups });
  try {
    assert.deepEqual(pruned.params.get('model.layers.0.self_attn.q_proj.weight')!.shape, [48, 64]);
    assert.deepEqual(pruned.params.get('model.layers.0.self_attn.k_proj.weight')!.shape, [24, 64]);
    assert.deepEqual(pruned.params.get('model.layers.0.mlp.down_proj.weight')!.shape, [64, 86]);
    const dir = join(root, 'pruned');
    await saveModel(pruned, dir);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.deepEqual([cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim, cfg.intermediate_size], [6, 3, 8, 86]);
    const back = await loadModel(dir);
    const s0 = scores(pruned, ids), s1 = scores(back, ids);
    assert.ok(s0.every((x, i) => x === s1[i]), 'reloaded pruned model scores identically');
    assert.ok(Math.abs(s0.reduce((a, x) => a + x, 0) - scores(m, ids).reduce((a, x) => a + x, 0)) > 1e-3, 'pruning changed the scores');
    disposeModel(back);
    if (hasTorch) {
      const p = spawnSync(PY, [join(import.meta.dirname, 'llama-torch-reference.py'), dir], { input: JSON.stringify({ ids }), encoding: 'utf8' });
      assert.equal(p.status, 0, p.stderr);
      const ref = (JSON.parse(p.stdout) as number[][]).flat(), a = allLogits(pruned, ids);
      const d = ref.reduce((acc, x, i) => Math.max(acc, Math.abs(x - a[i]!)), 0);
      assert.ok(d < 1e-4, `pruned export: max |ours - torch float64| = ${d}`);
    }

    // One KV group removed in layer 0 only: LlamaConfig has one num_key_value_heads.
    const uneven = applyPlan(m, { family: 'llama', criterion: 'manual', selection: 'uniform', groups: [{ kind: 'heads', layer: 0, count: 4, keep: [1, 2, 3], scores: [] }] });
    await assert.rejects(saveModel(uneven, join(root, 'uneven')), /cannot export Llama config: head counts differ per layer \(q 6, 8, 8, 8, 8; kv 3, 4, 4, 4, 4\)/);
    assert.equal(existsSync(join(root, 'uneven')), false);
    disposeModel(uneven);
    const unevenMlp = applyPlan(m, { family: 'llama', criterion: 'manual', selection: 'uniform', groups: [{ kind: 'mlp', layer: 2, count: 172, keep: [0, 1, 2], scores: [] }] });
    await assert.rejects(saveModel(unevenMlp, join(root, 'uneven-mlp')), /MLP widths differ per layer \(172, 172, 3, 172, 172\)/);
    assert.equal(existsSync(join(root, 'uneven-mlp')), false);
    disposeModel(unevenMlp);
  } finally {
    disposeModel(pruned);
    disposeModel(m);
  }
});
