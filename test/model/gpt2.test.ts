import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, logits } from '../../kernel-lib/index.ts';
import { gpt2 } from '../../kernel-lib/model/gpt2.ts';
import { referenceLogits } from '../helpers/gpt2-reference.ts';
import { tinyModel, disposeModel, tinyConfig, type TinySpec } from '../helpers/tiny-gpt2.ts';

before(async () => { await initBackend({ quiet: true }); });

const B = 2, T = 7;
const ids = Array.from({ length: B * T }, (_, i) => (i * 37 + 11) % 61);

function maxAbsDiff(spec: TinySpec, seed: number): number {
  const { model, ref } = tinyModel(spec, seed);
  const want = referenceLogits(ref, ids, B, T, { L: spec.L, H: spec.H, eps: 1e-5 });
  const got = tf.tidy(() => logits(model, tf.tensor2d(ids, [B, T], 'int32'))).arraySync() as number[][][];
  disposeModel(model);
  let m = 0;
  for (let n = 0; n < B * T; n++) for (let v = 0; v < spec.V; v++) m = Math.max(m, Math.abs(got[Math.floor(n / T)]![n % T]![v]! - want[n]![v]!));
  return m;
}

// The reference is test/helpers/gpt2-reference.ts: plain float64 loops written from
// transformers' modeling_gpt2.py (gelu_new with tanh itself, not the sigmoid form used here).
test('logits of a random tiny GPT-2 match the float64 reference within 1e-4', () => {
  const err = maxAbsDiff({ V: 61, P: 16, C: 16, L: 2, H: 4 }, 1);
  assert.ok(err < 1e-4, `max abs error ${err}`);
});

test('pruned heads (layer 0 keeps 3 of 4) and a narrower MLP (layer 1 width 24) match the reference', () => {
  const err = maxAbsDiff({ V: 61, P: 16, C: 16, L: 2, H: 4, headsPerLayer: [3, 4], mlpPerLayer: [64, 24], prunedHeads: { 0: [1] } }, 2);
  assert.ok(err < 1e-4, `max abs error ${err}`);
});

test('groups: head and MLP units read from the tensor shapes', () => {
  const { model } = tinyModel({ V: 61, P: 16, C: 16, L: 2, H: 4, headsPerLayer: [3, 4], mlpPerLayer: [64, 24] }, 3);
  const g = gpt2.groups(model);
  disposeModel(model);
  assert.deepEqual(g.map((x) => [x.kind, x.layer, x.count]), [['heads', 0, 3], ['mlp', 0, 64], ['heads', 1, 4], ['mlp', 1, 24]]);
  const h0 = g[0]!;
  // q, k, v column blocks of c_attn (h*D = 12 wide each), bias blocks, c_proj rows
  assert.deepEqual(h0.slices.map((s) => [s.param.split('.').slice(3).join('.'), s.axis, s.offset, s.width]), [
    ['c_attn.weight', 1, 0, 4], ['c_attn.weight', 1, 12, 4], ['c_attn.weight', 1, 24, 4],
    ['c_attn.bias', 0, 0, 4], ['c_attn.bias', 0, 12, 4], ['c_attn.bias', 0, 24, 4], ['c_proj.weight', 0, 0, 4]]);
});

test('capture sites: heads [N, hD] and mlp [N, F] per layer', () => {
  const { model } = tinyModel({ V: 61, P: 16, C: 16, L: 2, H: 4, headsPerLayer: [3, 4], mlpPerLayer: [64, 24] }, 4);
  const seen: string[] = [];
  tf.tidy(() => { gpt2.hidden(model, tf.tensor2d(ids, [B, T], 'int32'), { capture: (s, a) => seen.push(`${s.kind}${s.layer}:${a.shape}`) }); });
  disposeModel(model);
  assert.deepEqual(seen, ['heads0:14,12', 'mlp0:14,64', 'heads1:14,16', 'mlp1:14,24']);
});

test('initParams: transformers init statistics, deterministic per seed', () => {
  const cfg = tinyConfig({ V: 500, P: 64, C: 64, L: 2, H: 4 });
  const a = gpt2.initParams(cfg, 7), b = gpt2.initParams(cfg, 7);
  const std = (t: tf.Tensor) => Math.sqrt(tf.moments(t).variance.dataSync()[0]!);
  assert.ok(Math.abs(std(a.get('wte.weight')!) - 0.02) < 0.001);
  assert.ok(Math.abs(std(a.get('h.0.mlp.c_proj.weight')!) - 0.02 / Math.sqrt(4)) < 0.001);
  assert.deepEqual(a.get('h.1.ln_2.weight')!.dataSync(), new Float32Array(64).fill(1));
  assert.deepEqual(a.get('h.1.attn.c_attn.bias')!.dataSync(), new Float32Array(192));
  assert.deepEqual(a.get('h.0.attn.c_attn.weight')!.dataSync(), b.get('h.0.attn.c_attn.weight')!.dataSync());
  for (const t of [...a.values(), ...b.values()]) t.dispose();
});

test('training forward: dropout is seeded (same seed same output, different seed different)', () => {
  const { model } = tinyModel({ V: 61, P: 16, C: 16, L: 1, H: 2 }, 5);
  const run = (seed: number) => tf.tidy(() => gpt2.hidden(model, tf.tensor2d(ids, [B, T], 'int32'), { training: true, seed }).dataSync());
  const a = run(1), b = run(1), c = run(2);
  disposeModel(model);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('bad ids are refused naming the position', () => {
  const { model } = tinyModel({ V: 61, P: 16, C: 16, L: 1, H: 2 }, 6);
  assert.throws(() => tf.tidy(() => gpt2.hidden(model, tf.tensor2d([[1, 2], [3, 61]], [2, 2], 'int32'))), /ids\[1\]\[1\] = 61 is outside the vocabulary \[0, 61\)/);
  assert.throws(() => tf.tidy(() => gpt2.hidden(model, tf.zeros([1, 17], 'int32') as tf.Tensor2D)), /sequence length 17 exceeds n_positions 16/);
  disposeModel(model);
});
