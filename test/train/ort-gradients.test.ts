/**
 * createOrtGradients against the tfjs path on the same model and batches:
 *  - its summed loss equals tfjs's lmLoss (reduction 'sum') within 1e-4 relative, and it adds
 *    (not overwrites) into the caller's arrays;
 *  - 20 AdamW updates (train/adamw.ts adamwStep on host arrays) fed with ORT gradients follow the
 *    run fed with tfjs gradients (model/lm.ts lossAndGrads): every loss within 1e-3 relative;
 *  - bad input names what is wrong (a target outside the vocabulary, dropout in the config).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../kernel-lib/index.ts';
import { lmLoss, lossAndGrads } from '../../kernel-lib/model/lm.ts';
import { adamwStep, createAdamW, writeWeights } from '../../kernel-lib/train/adamw.ts';
import { createOrtGradients } from '../../kernel-lib/train/ort-gradients.ts';
import type { PackedBatch } from '../../kernel-lib/train/batch-tensors.ts';
import { tinyModel } from '../helpers/tiny-gpt2.ts';

before(async () => { await initBackend({ quiet: true }); });

const V = 61, B = 3, T = 10;
function packed(seed: number): PackedBatch {
  const ids = Int32Array.from({ length: B * T }, (_, k) => (k * 29 + seed * 13 + 1) % V);
  const targets = Int32Array.from({ length: B * T }, (_, k) => (k * 31 + seed * 7 + 4) % V);
  const mask = Float32Array.from({ length: B * T }, (_, k) => ((k + seed) % 5 === 0 ? 0 : 1));
  return { ids, targets, mask, B, T };
}
const tensors = (p: PackedBatch) => ({ ids: tf.tensor2d(p.ids, [B, T], 'int32'), targets: tf.tensor2d(p.targets, [B, T], 'int32'), mask: tf.tensor2d(p.mask, [B, T]) });
const zerosLike = (m: ReturnType<typeof tinyModel>['model']) => new Map([...m.params].map(([n, v]) => [n, new Float32Array(v.size)]));

test('the summed loss equals tfjs lmLoss (sum) within 1e-4 and gradients are added into the arrays', async () => {
  const { model } = tinyModel({ V, P: 16, C: 16, L: 2, H: 2, headsPerLayer: [2, 1], mlpPerLayer: [40, 9] }, 11);
  const og = createOrtGradients(model, { dropout: 'ignore' });
  const p = packed(1), t = tensors(p);
  const ref = tf.tidy(() => lmLoss(model, t, { reduction: 'sum' }).dataSync()[0]!);
  const acc = zerosLike(model);
  const r1 = await og.lossAndGrads(p, acc);
  assert.ok(Math.abs(r1.loss - ref) <= 1e-4 * Math.abs(ref), `loss ${r1.loss} vs tfjs ${ref}`);
  assert.equal(r1.tokens, [...p.mask].filter((m) => m !== 0).length);
  const once = Float32Array.from(acc.get('wte.weight')!);
  await og.lossAndGrads(p, acc);
  const twice = acc.get('wte.weight')!;
  for (let k = 0; k < once.length; k++) assert.ok(Math.abs(twice[k]! - 2 * once[k]!) <= 1e-6 * (1 + Math.abs(once[k]!)), `wte.weight[${k}] accumulates`);
  og.close();
  for (const x of Object.values(t)) x.dispose();
});

test('overwrite: the gradients replace the arrays\' values, and a batch with nothing scored leaves them zero', async () => {
  const { model } = tinyModel({ V, P: 16, C: 16, L: 2, H: 2 }, 13);
  const og = createOrtGradients(model, { dropout: 'ignore' });
  const p = packed(2);
  const added = zerosLike(model);
  await og.lossAndGrads(p, added);
  const stale = zerosLike(model);
  for (const a of stale.values()) a.fill(7);
  const r = await og.lossAndGrads(p, stale, { overwrite: true });
  assert.equal(r.tokens, [...p.mask].filter((m) => m !== 0).length);
  for (const [n, a] of stale) assert.deepEqual(Array.from(a), Array.from(added.get(n)!), `${n}: overwritten, equal to zero + the gradient`);
  const none = await og.lossAndGrads({ ...p, mask: new Float32Array(B * T) }, stale, { overwrite: true });
  assert.deepEqual(none, { loss: 0, tokens: 0 });
  for (const [n, a] of stale) assert.ok(a.every((x) => x === 0), `${n}: zero after a batch with no scored position`);
  og.close();
});

test('20 AdamW updates on ORT gradients follow the run on tfjs gradients within 1e-3', async () => {
  const hyper = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, noDecay: ['wte', 'wpe'] };
  const lr = 3e-3;
  const run = async (engine: 'ort' | 'tfjs'): Promise<number[]> => {
    const { model } = tinyModel({ V, P: 16, C: 16, L: 2, H: 2 }, 12);
    const state = createAdamW(model.params, hyper);
    const og = engine === 'ort' ? createOrtGradients(model, { dropout: 'ignore', weights: new Map([...state.slots].map(([n, s]) => [n, s.w])) }) : null;
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      const p = packed(step % 4);
      const acc = zerosLike(model);
      let loss: number, tokens: number;
      if (og) ({ loss, tokens } = await og.lossAndGrads(p, acc));
      else {
        const t = tensors(p);
        const r = lossAndGrads(model, t, { reduction: 'sum' });
        for (const [n, g] of r.grads) { acc.get(n)!.set(g.dataSync() as Float32Array); g.dispose(); }
        for (const x of Object.values(t)) x.dispose();
        loss = r.loss; tokens = [...p.mask].filter((m) => m !== 0).length;
      }
      losses.push(loss / tokens);
      adamwStep(state, acc, lr, 1 / tokens);
      if (!og) writeWeights(state, model.params);
    }
    og?.close();
    return losses;
  };
  const a = await run('ort'), b = await run('tfjs');
  assert.ok(a[19]! < a[0]! - 0.05, `the loss falls: ${a[0]} -> ${a[19]}`);
  a.forEach((x, k) => assert.ok(Math.abs(x - b[k]!) <= 1e-3 * Math.abs(b[k]!), `update ${k}: ort ${x} vs tfjs ${b[k]}`));
});

test('bad input is refused naming what is wrong', async () => {
  const { model } = tinyModel({ V, P: 16, C: 16, L: 1, H: 2 }, 13);
  assert.throws(() => createOrtGradients(model), /has dropout \[0.1,0.1,0.1\]; pass dropout: 'apply' to train with it or 'ignore'/);
  const og = createOrtGradients(model, { dropout: 'ignore' });
  const p = packed(0);
  p.targets[4] = V;
  await assert.rejects(og.lossAndGrads(p, zerosLike(model)), /target 61 at row 0, position 4 is outside \[0, 61\)/);
  await assert.rejects(og.lossAndGrads(packed(0), new Map([['nope', new Float32Array(1)]])), /'nope' is not a parameter/);
  og.close();
});
