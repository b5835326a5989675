/**
 * Bias compensation makes the pruned output projection's mean output on the calibration tokens
 * equal the dense one's: checked at layer 0 (whose input pruning cannot change) by capturing the
 * projection's input on tfjs in both models and computing mean(x W + b) in float64 here. Without
 * compensation the means differ (so the check can fail). A Llama without o_proj / down_proj biases
 * gets them created, with attention_bias / mlp_bias in its config and zero q/k/v and gate/up biases;
 * saved, it is transformers' layout where the class has those switches and the lab layout otherwise.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, getFamily, type LanguageModel, type LlamaLikeConfig, planPruning, applyPlan, type UnitKind, saveModel, loadModel, logits } from '../../kernel-lib/index.ts';
import { disposeModel } from '../../kernel-lib/model/dispose-model.ts';
import { loadOrt } from '../../kernel-lib/engine/ort-runtime.ts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tinyGpt2 } from './tiny-gpt2.ts';
import { randomLlamaLike } from '../helpers/random-llama-like.ts';

const skip = loadOrt().ort ? false : `onnxruntime-node does not load here: ${loadOrt().reason}`;
before(async () => { await initBackend({ quiet: true }); });

const T = 8;
const CAL = [0, 1, 2, 3, 4, 5].map((s) => Int32Array.from({ length: T + 1 }, (_, t) => (t * 11 + s * 5 + 1) % 50));

/** Mean over the calibration inputs of layer 0's `kind` output projection, x W + b, in float64 [C]. */
function meanOutput(model: LanguageModel, kind: UnitKind): number[] {
  const g = getFamily(model.family).groups(model).find((x) => x.kind === kind && x.layer === 0)!;
  let rows: number[][] = [];
  tf.tidy(() => {
    const ids = tf.tensor2d(Int32Array.from(CAL.flatMap((s) => [...s.subarray(0, T)])), [CAL.length, T], 'int32');
    getFamily(model.family).hidden(model, ids, { capture: (site, a) => { if (site.kind === kind && site.layer === 0) rows = a.arraySync() as number[][]; } });
  });
  const w = model.params.get(g.output!.weight)!.arraySync() as number[][];
  const b = model.params.get(g.output!.bias)?.arraySync() as number[] | undefined;
  const inDim = rows[0]!.length, outDim = g.output!.inAxis === 0 ? w[0]!.length : w.length;
  const W = (j: number, o: number) => (g.output!.inAxis === 0 ? w[j]![o]! : w[o]![j]!);
  return Array.from({ length: outDim }, (_, o) => {
    let s = 0;
    for (const r of rows) for (let j = 0; j < inDim; j++) s += r[j]! * W(j, o);
    return s / rows.length + (b ? b[o]! : 0);
  });
}

function maxDiff(a: number[], b: number[]): number {
  return Math.max(...a.map((x, k) => Math.abs(x - b[k]!)));
}

for (const kind of ['heads', 'mlp'] as const) {
  test(`GPT-2 ${kind}: compensated layer-0 projection keeps the dense mean output; uncompensated does not`, { skip }, () => {
    const m = tinyGpt2(11);
    const dense = meanOutput(m, kind);
    const cfg = { groups: [kind], target: 0.5, criterion: 'flap', calibrationSamples: CAL.length, calibrationBatch: 4 } as const;
    const withB = applyPlan(m, planPruning(m, { ...cfg, compensation: 'bias' }, { calibration: CAL }));
    const without = applyPlan(m, planPruning(m, { ...cfg, compensation: 'none' }, { calibration: CAL }));
    const scale = Math.max(...dense.map(Math.abs));
    const dB = maxDiff(meanOutput(withB, kind), dense), dN = maxDiff(meanOutput(without, kind), dense);
    console.log(`# gpt2 ${kind}: max |mean diff| ${dB.toExponential(2)} compensated, ${dN.toExponential(2)} not (scale ${scale.toFixed(3)})`);
    assert.ok(dB <= 1e-5 * Math.max(1, scale), `compensated: ${dB}`);
    assert.ok(dN > 1e-3 * scale, `uncompensated should differ: ${dN}`);
    [m, withB, without].forEach(disposeModel);
  });
}

test('GQA Llama without biases: compensation creates o_proj / down_proj biases and the flags, and keeps the mean', { skip }, () => {
  const m = randomLlamaLike({ model_type: 'llama', vocab_size: 50, hidden_size: 24, num_hidden_layers: 2, intermediate_size: 40,
    max_position_embeddings: 64, num_attention_heads: 6, num_key_value_heads: 2, head_dim: 8 }, 3);
  assert.equal(m.params.has('model.layers.0.self_attn.o_proj.bias'), false);
  const plan = planPruning(m, { groups: ['heads', 'mlp'], target: 0.4, criterion: 'flap', compensation: 'bias', calibrationSamples: CAL.length }, { calibration: CAL });
  const p = applyPlan(m, plan);
  const c = p.config as LlamaLikeConfig;
  assert.deepEqual([c.qkvBias, c.oBias, c.mlpBias], [true, true, true]);
  for (const n of ['self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj', 'mlp.gate_proj', 'mlp.up_proj']) {
    const b = p.params.get(`model.layers.1.${n}.bias`)!;
    assert.deepEqual([...b.dataSync()].filter((x) => x !== 0), [], `${n}.bias is zero`);
    assert.equal(b.shape[0], p.params.get(`model.layers.1.${n}.weight`)!.shape[0]);
  }
  // whole key/value groups go: q rows = 3 x k rows in every layer
  for (const l of [0, 1]) assert.equal(p.params.get(`model.layers.${l}.self_attn.q_proj.weight`)!.shape[0], 3 * p.params.get(`model.layers.${l}.self_attn.k_proj.weight`)!.shape[0]!);
  const dense = meanOutput(m, 'heads');
  const d = maxDiff(meanOutput(p, 'heads'), dense);
  assert.ok(d <= 1e-5 * Math.max(1, ...dense.map(Math.abs)), `llama heads: ${d}`);
  disposeModel(m); disposeModel(p);
});

/** Saved with layout 'auto' and loaded back: the layout, its reason, config.json and equal logits. */
async function roundTrip(model: LanguageModel): Promise<{ layout: string; reason: string; json: Record<string, unknown>; diff: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-comp-'));
  const saved = await saveModel(model, dir, { layout: 'auto' });
  const back = await loadModel(dir);
  const ids = tf.tensor2d(Int32Array.from(CAL.flatMap((s) => [...s.subarray(0, T)])), [CAL.length, T], 'int32');
  const a = tf.tidy(() => logits(model, ids).dataSync() as Float32Array), b = tf.tidy(() => logits(back, ids).dataSync() as Float32Array);
  ids.dispose(); disposeModel(back);
  let diff = 0;
  for (let k = 0; k < a.length; k++) diff = Math.max(diff, Math.abs(a[k]! - b[k]!));
  return { layout: saved.layout, reason: saved.reason, json: JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')), diff };
}

const small = { vocab_size: 50, hidden_size: 24, num_hidden_layers: 2, intermediate_size: 40, max_position_embeddings: 64 };

test('a compensated uniform Llama saves in transformers\' layout with attention_bias and mlp_bias, and reloads', { skip }, async () => {
  const m = randomLlamaLike({ ...small, model_type: 'llama', num_attention_heads: 4, num_key_value_heads: 2 }, 6);
  const p = applyPlan(m, planPruning(m, { groups: ['heads', 'mlp'], target: 0.5, criterion: 'flap', compensation: 'bias', calibrationSamples: CAL.length }, { calibration: CAL }));
  const r = await roundTrip(p);
  assert.equal(r.layout, 'hf', r.reason);
  assert.equal(r.json.attention_bias, true);
  assert.equal(r.json.mlp_bias, true);
  assert.ok(r.diff <= 1e-5, `reloaded logits differ by ${r.diff}`);
  disposeModel(m); disposeModel(p);
});

test('a compensated OLMo MLP prune saves in the lab layout (transformers\' OLMo has no MLP bias), saying why, and reloads', { skip }, async () => {
  const m = randomLlamaLike({ ...small, model_type: 'olmo', num_attention_heads: 4 }, 7);
  const p = applyPlan(m, planPruning(m, { groups: ['mlp'], target: 0.5, criterion: 'flap', compensation: 'bias', calibrationSamples: CAL.length }, { calibration: CAL }));
  const r = await roundTrip(p);
  assert.equal(r.layout, 'lab');
  assert.match(r.reason, /has no MLP biases/);
  assert.deepEqual(r.json.lab_projection_biases, { qkv: false, o: false, mlp: true });
  assert.ok(r.diff <= 1e-5, `reloaded logits differ by ${r.diff}`);
  disposeModel(m); disposeModel(p);
});
