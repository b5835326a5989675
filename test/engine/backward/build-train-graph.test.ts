/**
 * The ONNX Runtime training graph's summed loss and gradients of every parameter against an
 * independent PyTorch float64 implementation (test/helpers/torch-grads.py, written from the
 * architectures), reading the same safetensors file this test writes: within 1e-4 relative per
 * tensor (||g_ort - g_torch|| / ||g_torch||) and for the global norm. Cases: GPT-2 dense, GPT-2
 * pruned unevenly (4 / 0 / 1 heads, MLP 64 / 10 / 0 neurons), OLMo and Llama GQA pruned unevenly
 * (down to one kv group and one MLP neuron in a layer, output biases created by bias compensation),
 * GPT-2 and Llama GQA with dropout (the torch reference given the graph's masks), OLMo (non-parametric LayerNorm,
 * clip_qkv 0.5 so the clip is active, untied head), a Llama with GQA (2 kv heads for 4 query
 * heads, RMSNorm weights and untied head), and two checkpoints written by write-hf-checkpoint.ts
 * and loaded from disk with their weights left in the files (TinyLlama's twin: F16, GQA 16 / 2
 * heads, untied; OLMo's twin: BF16 in 3 shards, tied); each with the activations kept and
 * recomputed per block. The reference reads a float32 copy of the loaded values.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlan, getFamily, initBackend, loadModel, type LanguageModel, type LlamaLikeConfig, type PruningPlan } from '../../../kernel-lib/index.ts';
import { paramFloat32, paramShapes } from '../../../kernel-lib/model/param-values.ts';
import { writeSafetensors } from '../../../kernel-lib/model/safetensors-write.ts';
import { createOrtGradients } from '../../../kernel-lib/train/ort-gradients.ts';
import { buildTrainGraph } from '../../../kernel-lib/engine/backward/build-train-graph.ts';
import { fillDropoutMasks } from '../../../kernel-lib/engine/backward/dropout-masks.ts';
import { onnxFamily } from '../../../kernel-lib/engine/onnx-families.ts';
import { tinyModel } from '../../helpers/tiny-gpt2.ts';
import { randomLlamaLike } from '../../helpers/random-llama-like.ts';
import { writeHfCheckpoint } from '../../helpers/write-hf-checkpoint.ts';
import { OLMO_TWIN, TINYLLAMA_TWIN } from '../../helpers/hf-shapes.ts';

const PY = '/usr/bin/python3';
const hasTorch = spawnSync(PY, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const skip = hasTorch ? false : `${PY} with torch is not installed (apt-get install python3-torch)`;

before(async () => { await initBackend({ quiet: true }); });

const B = 2, T = 9;
/** A batch with masked positions (one with target -1) so the scored rows are a strict subset. */
function batch(V: number) {
  const ids = Int32Array.from({ length: B * T }, (_, k) => (k * 37 + 11) % V);
  const targets = Int32Array.from({ length: B * T }, (_, k) => (k * 53 + 7) % V);
  const mask = Float32Array.from({ length: B * T }, (_, k) => (k % 4 === 3 ? 0 : 1));
  targets[3] = -1;
  return { ids, targets, mask, B, T };
}

function torchGrads(model: LanguageModel, dir: string, extra: Record<string, unknown>, b: ReturnType<typeof batch>): { loss: number; grads: Record<string, number[]> } {
  const file = join(dir, 'weights.safetensors');
  writeSafetensors(file, [...paramShapes(model)].map(([name, shape]) => ({ name, shape, data: () => paramFloat32(model, name) })));
  const req = { weights: file, ...extra, B, T, ids: [...b.ids], targets: [...b.targets], mask: [...b.mask] };
  const p = spawnSync(PY, [join(import.meta.dirname, '../../helpers/torch-grads.py')], { input: JSON.stringify(req), encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(p.status, 0, p.stderr);
  return JSON.parse(p.stdout);
}

/** With `dropout`: the graph's mask inputs must be exactly `dropout.names` (the places the test
 *  expects the config to drop, written out here), the masks drawn from `dropout.seed` are given to
 *  the torch reference, which applies each at its own place. */
async function check(name: string, model: LanguageModel, extra: Record<string, unknown>, dropout?: { readonly seed: number; readonly names: readonly string[] }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-torch-grads-'));
  try {
    const b = batch(model.config.vocabSize);
    let torchExtra = extra;
    if (dropout) {
      const masks = buildTrainGraph(model, onnxFamily(model.family)!, B, T, { dropout: true }).masks;
      assert.deepEqual(masks.map((m) => m.name).sort(), [...dropout.names].sort(), `${name}: the graph's dropout sites`);
      const keep = fillDropoutMasks(masks, dropout.seed);
      for (const m of masks) {
        const k = keep.get(m.name)!;
        const kept = k.reduce((p, x) => p + x, 0);
        assert.ok(kept > 0 && kept < k.length, `${name}: mask ${m.name} keeps ${kept} of ${k.length}: both kept and dropped values`);
      }
      torchExtra = { ...extra, dropout: Object.fromEntries(masks.map((m) => [m.name, { rate: m.rate, keep: [...keep.get(m.name)!] }])) };
    }
    const ref = torchGrads(model, dir, torchExtra, b);
    for (const recompute of [false, true]) {
      const og = createOrtGradients(model, { dropout: dropout ? 'apply' : 'ignore', recompute });
      const acc = new Map([...paramShapes(model)].map(([n, s]) => [n, new Float32Array(s.reduce((p, d) => p * d, 1))]));
      const r = await og.lossAndGrads(b, acc, dropout ? { dropoutSeed: dropout.seed } : {});
      og.close();
      const label = `${name}${recompute ? ' (recompute)' : ''}`;
      assert.ok(Math.abs(r.loss - ref.loss) <= 1e-5 * Math.abs(ref.loss), `${label}: loss ${r.loss} vs torch ${ref.loss}`);
      let num = 0, den = 0;
      for (const [n, a] of acc) {
        const t = ref.grads[n];
        assert.ok(t && t.length === a.length, `${label}: torch gradient of ${n}`);
        let d2 = 0, t2 = 0;
        for (let k = 0; k < a.length; k++) { d2 += (a[k]! - t[k]!) ** 2; t2 += t[k]! ** 2; }
        num += d2; den += t2;
        if (t2 === 0) assert.ok(Math.sqrt(d2) <= 1e-9, `${label}: ${n} should have no gradient, has norm ${Math.sqrt(d2)}`);
        else assert.ok(Math.sqrt(d2 / t2) <= 1e-4, `${label}: ${n} relative error ${Math.sqrt(d2 / t2)}`);
      }
      assert.ok(den > 0 && Math.sqrt(num / den) <= 1e-4, `${label}: global relative error ${Math.sqrt(num / den)}`);
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

const gpt2Extra = (eps: number) => ({ family: 'gpt2', headDim: 8, eps, norm: 'layer', clipQkv: null, ropeTheta: 0, tied: true });
function llamaExtra(m: LanguageModel): Record<string, unknown> {
  const c = m.config as LlamaLikeConfig;
  return { family: 'llama-like', headDim: c.headDim, eps: c.normEps, norm: c.norm === 'rms-norm' ? 'rms' : 'olmo', clipQkv: c.clipQkv, ropeTheta: c.rope.theta, tied: c.tieWordEmbeddings };
}

test('GPT-2 dense: loss and every gradient equal torch float64 within 1e-4', { skip }, async () => {
  const { model } = tinyModel({ V: 61, P: 16, C: 32, L: 2, H: 4 }, 5);
  await check('gpt2 dense', model, gpt2Extra(model.config.layerNormEpsilon));
});

test('GPT-2 pruned (4 / 0 / 1 heads, 64 / 10 / 0 neurons) equals torch float64 within 1e-4', { skip }, async () => {
  const { model } = tinyModel({ V: 61, P: 16, C: 32, L: 3, H: 4, headsPerLayer: [4, 0, 1], mlpPerLayer: [64, 10, 0] }, 6);
  await check('gpt2 pruned', model, gpt2Extra(model.config.layerNormEpsilon));
});

test('GPT-2 with dropout (embd 0.1, attn 0.2, resid 0.3; pruned 4 / 0 / 1 heads, 64 / 10 / 0 neurons): masks at HF\'s places, equal to torch float64 within 1e-4', { skip }, async () => {
  const { model } = tinyModel({ V: 61, P: 16, C: 32, L: 3, H: 4, headsPerLayer: [4, 0, 1], mlpPerLayer: [64, 10, 0] }, 9);
  const m = { ...model, config: { ...model.config, dropout: { embd: 0.1, attn: 0.2, resid: 0.3 } } };
  const names = ['dropout.embd', 'dropout.attn.0', 'dropout.attn.2', ...[0, 1, 2].flatMap((l) => [`dropout.attn-out.${l}`, `dropout.mlp-out.${l}`])];
  await check('gpt2 dropout', m, gpt2Extra(model.config.layerNormEpsilon), { seed: 12345, names });
});

test('OLMo (non-parametric LayerNorm, clip_qkv active, untied) equals torch float64 within 1e-4', { skip }, async () => {
  const model = randomLlamaLike({
    model_type: 'olmo', vocab_size: 67, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 4,
    intermediate_size: 48, max_position_embeddings: 64, clip_qkv: 0.5, tie_word_embeddings: false, eos_token_id: 66, pad_token_id: 1,
  }, 7);
  await check('olmo', model, llamaExtra(model));
});

test('Llama GQA (2 kv heads for 4, RMSNorm weights, untied) equals torch float64 within 1e-4', { skip }, async () => {
  const model = randomLlamaLike({
    model_type: 'llama', vocab_size: 67, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2,
    intermediate_size: 40, max_position_embeddings: 64, tie_word_embeddings: false, rms_norm_eps: 1e-5, eos_token_id: 66, bos_token_id: 66,
  }, 8);
  await check('llama gqa', model, llamaExtra(model));
});

test('Llama GQA with attention dropout 0.25: masks on the attention probabilities, equal to torch float64 within 1e-4', { skip }, async () => {
  const model = randomLlamaLike({
    model_type: 'llama', vocab_size: 67, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2,
    intermediate_size: 40, max_position_embeddings: 64, tie_word_embeddings: false, rms_norm_eps: 1e-5, eos_token_id: 66, bos_token_id: 66, attention_dropout: 0.25,
  }, 10);
  await check('llama gqa dropout', model, llamaExtra(model), { seed: 777, names: ['dropout.attn.0', 'dropout.attn.1'] });
});

/** `model` pruned by hand: per layer, the kv groups and MLP neurons to keep (indices; a layer keeps
 *  at least one of each, as applyPlan requires for these families); `biasShifts` creates o_proj and
 *  down_proj biases (every layer gets them, as the config flag implies). */
function pruned(model: LanguageModel, keep: readonly { heads: number[]; mlp: number[] }[]): LanguageModel {
  const groups = getFamily(model.family).groups(model).map((g) => ({ kind: g.kind, layer: g.layer, count: g.count, keep: keep[g.layer]![g.kind], scores: [] }));
  const C = model.config.hiddenSize;
  const shift = (k: number) => Array.from({ length: C }, (_, c) => Math.sin(c + k) * 0.2);
  const plan: PruningPlan = { family: model.family as PruningPlan['family'], criterion: 'manual', selection: 'manual', groups,
    biasShifts: [{ param: 'model.layers.1.self_attn.o_proj.bias', values: shift(1) }, { param: 'model.layers.1.mlp.down_proj.bias', values: shift(2) }] };
  return applyPlan(model, plan);
}

test('OLMo and Llama GQA pruned unevenly (kv groups 2 / 1 and 1 / 1, MLP 7 / 1 neurons, output biases from compensation) equal torch float64 within 1e-4', { skip }, async () => {
  const olmo = randomLlamaLike({
    model_type: 'olmo', vocab_size: 67, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 4,
    intermediate_size: 48, max_position_embeddings: 64, clip_qkv: 0.5, tie_word_embeddings: false, eos_token_id: 66, pad_token_id: 1,
  }, 11);
  const po = pruned(olmo, [{ heads: [1, 3], mlp: [0, 5, 9, 20, 33, 40, 47] }, { heads: [2], mlp: [30] }]);
  await check('olmo pruned', po, llamaExtra(po));
  const llama = randomLlamaLike({
    model_type: 'llama', vocab_size: 67, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2,
    intermediate_size: 40, max_position_embeddings: 64, tie_word_embeddings: false, rms_norm_eps: 1e-5, eos_token_id: 66, bos_token_id: 66,
  }, 12);
  const pl = pruned(llama, [{ heads: [1], mlp: [2, 3, 11, 17, 25, 31, 39] }, { heads: [0], mlp: [4] }]);
  assert.deepEqual([0, 1].map((l) => pl.params.get(`model.layers.${l}.self_attn.k_proj.weight`)!.shape[0]), [8, 8], 'one kv group of 2 (2 q heads) left in each layer');
  assert.equal(pl.params.get('model.layers.1.mlp.gate_proj.weight')!.shape[0], 1, 'layer 1: one MLP neuron left');
  assert.ok(pl.params.has('model.layers.1.self_attn.o_proj.bias') && pl.params.has('model.layers.0.mlp.down_proj.bias'), 'compensation created the output biases');
  await check('llama gqa pruned', pl, llamaExtra(pl));
});

test('checkpoints from write-hf-checkpoint (TinyLlama twin F16 GQA 16/2, OLMo twin BF16 tied, weights in their files) equal torch float64 within 1e-4', { skip }, async () => {
  for (const shape of [TINYLLAMA_TWIN, OLMO_TWIN]) {
    const ck = writeHfCheckpoint(shape, { seed: 4 });
    try {
      const model = await loadModel(ck.dir);
      await check(shape.name, model, llamaExtra(model));
    } finally { rmSync(ck.dir, { recursive: true, force: true }); }
  }
});
