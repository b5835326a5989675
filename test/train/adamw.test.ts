import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../kernel-lib/index.ts';
import { createAdamW, adamwStep, writeWeights, decaysWeight } from '../../kernel-lib/train/adamw.ts';

before(async () => { await initBackend({ quiet: true }); });

const hyper = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, noDecay: ['wte', 'wpe', 'embed_tokens'] };

function near(got: ArrayLike<number>, want: number[], what: string): void {
  assert.equal(got.length, want.length, what);
  // float32 master weights: relative 1e-7 (half an ulp is 6e-8) plus a tiny absolute term
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-7 * Math.abs(want[i]!) + 1e-9, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

test('one AdamW step equals the hand-computed update on a 3-parameter problem', () => {
  // Parameters: w [1, 2] = [1, -2] (a matrix: decayed), b [1] = [0.5] (rank 1: not decayed).
  // Gradients g_w = [0.1, -0.3], g_b = [2]; lr 0.1, b1 0.9, b2 0.999, eps 1e-8, wd 0.01.
  // t = 1: m = 0.1 g, v = 0.001 g^2, bias corrections 1 - 0.9 = 0.1 and 1 - 0.999 = 0.001, so
  //   m_hat = g, sqrt(v_hat) = |g| and the Adam step is lr * g / (|g| + eps) = 0.1 * sign(g) (minus ~1e-8).
  // Decoupled decay first: w * (1 - lr * wd) = w * 0.999 = [0.999, -1.998].
  //   w[0] = 0.999 - 0.1 * 0.1 / (0.1 + 1e-8)  = 0.999 - 0.09999999     = 0.89900001
  //   w[1] = -1.998 + 0.1 * 0.3 / (0.3 + 1e-8) = -1.998 + 0.0999999967 = -1.8980000033
  //   b    = 0.5 - 0.1 * 2 / (2 + 1e-8)        = 0.5 - 0.0999999995   = 0.4000000005   (no decay)
  const w = tf.variable(tf.tensor2d([[1, -2]]));
  const b = tf.variable(tf.tensor1d([0.5]));
  const params = new Map<string, tf.Variable>([['h.0.mlp.c_fc.weight', w], ['h.0.mlp.c_fc.bias', b]]);
  const opt = createAdamW(params, hyper);
  adamwStep(opt, new Map([['h.0.mlp.c_fc.weight', new Float32Array([0.1, -0.3])], ['h.0.mlp.c_fc.bias', new Float32Array([2])]]), 0.1);
  near(opt.slots.get('h.0.mlp.c_fc.weight')!.w, [0.89900001, -1.8980000033], 'w after step 1');
  near(opt.slots.get('h.0.mlp.c_fc.bias')!.w, [0.4000000005], 'b after step 1');
  // Step 2 (bias corrections 0.19 and 0.001999 no longer cancel) against torch.optim.AdamW (torch
  // 1.13, float64, param groups {w: weight_decay 0.01}, {b: weight_decay 0}), made with:
  //   w=torch.tensor([[1.,-2.]],dtype=torch.float64,requires_grad=True); b=torch.tensor([.5],dtype=torch.float64,requires_grad=True)
  //   opt=torch.optim.AdamW([{'params':[w],'weight_decay':0.01},{'params':[b],'weight_decay':0.0}],lr=0.1,betas=(0.9,0.999),eps=1e-8)
  //   for gw,gb in [([[.1,-.3]],[2.]),([[.2,.1]],[-1.])]: w.grad=...; b.grad=...; opt.step()
  adamwStep(opt, new Map([['h.0.mlp.c_fc.weight', new Float32Array([0.2, 0.1])], ['h.0.mlp.c_fc.bias', new Float32Array([-1])]]), 0.1);
  near(opt.slots.get('h.0.mlp.c_fc.weight')!.w, [0.8015828135112532, -1.8560801479247475], 'w after step 2');
  near(opt.slots.get('h.0.mlp.c_fc.bias')!.w, [0.37336629670243154], 'b after step 2');
  assert.equal(opt.step, 2);
  // The variables change only when written, and then hold new tensors with the master values.
  assert.deepEqual(Array.from(w.dataSync()), [1, -2]);
  const before = tf.memory().numTensors;
  writeWeights(opt, params);
  assert.equal(tf.memory().numTensors, before);
  near(w.dataSync(), [0.8015828135112532, -1.8560801479247475], 'variable w');
  w.dispose(); b.dispose();
});

test('gradScale multiplies the gradient before the moments', () => {
  const p = tf.variable(tf.tensor2d([[1, 1]]));
  const a = createAdamW(new Map([['x', p]]), hyper), c = createAdamW(new Map([['x', p]]), hyper);
  adamwStep(a, new Map([['x', new Float32Array([4, -8])]]), 0.01, 0.25);
  adamwStep(c, new Map([['x', new Float32Array([1, -2])]]), 0.01);
  assert.deepEqual(Array.from(a.slots.get('x')!.m), Array.from(c.slots.get('x')!.m));
  assert.deepEqual(Array.from(a.slots.get('x')!.w), Array.from(c.slots.get('x')!.w));
  p.dispose();
});

test('decay rule: matrices decay; rank-1 tensors and embeddings do not', () => {
  const nd = hyper.noDecay;
  assert.equal(decaysWeight('h.0.attn.c_attn.weight', [8, 24], nd), true);
  assert.equal(decaysWeight('h.0.attn.c_attn.bias', [24], nd), false);
  assert.equal(decaysWeight('ln_f.weight', [8], nd), false);
  assert.equal(decaysWeight('wte.weight', [50, 8], nd), false);
  assert.equal(decaysWeight('wpe.weight', [16, 8], nd), false);
  assert.equal(decaysWeight('model.embed_tokens.weight', [50, 8], nd), false);
  assert.equal(decaysWeight('model.layers.0.mlp.up_proj.weight', [32, 8], nd), true);
  assert.equal(decaysWeight('wte.weight', [50, 8], []), true);
});
