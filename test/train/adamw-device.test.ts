/**
 * The device-tensor AdamW (native backends) against the same hand/PyTorch-derived update as the
 * host loop, and the two finetune paths against each other: same parameters after a few updates
 * (float32 rounding: 1e-6 of each tensor's largest weight) and resuming from each other's
 * checkpoints. Run here on wasm with the `optimizer` option (the default picks 'device' only on
 * tfjs-node).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, finetune } from '../../kernel-lib/index.ts';
import { createDeviceAdamW, deviceAdamwStep, toHostState } from '../../kernel-lib/train/adamw-device.ts';
import { tinyGpt2, makeBlocks, snapshot, disposeParams } from '../helpers/train-fixtures.ts';

before(async () => { await initBackend({ quiet: true }); process.env.LAB_QUIET = '1'; });

const hyper = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, noDecay: ['wte', 'wpe', 'embed_tokens'] };
const tmp = () => mkdtempSync(join(tmpdir(), 'lab-adamw-dev-'));

test('device AdamW: two steps equal torch.optim.AdamW (the values of adamw.test.ts), moments readable as host state', () => {
  // Same problem as adamw.test.ts: w [1,2] decayed, b [1] not; grads ([.1,-.3],[2]) then ([.2,.1],[-1]), lr 0.1.
  const w = tf.variable(tf.tensor2d([[1, -2]]));
  const b = tf.variable(tf.tensor1d([0.5]));
  const st = createDeviceAdamW(new Map<string, tf.Variable>([['h.0.mlp.c_fc.weight', w], ['h.0.mlp.c_fc.bias', b]]), hyper);
  const step = (gw: number[], gb: number[]) => {
    const g = new Map<string, tf.Tensor>([['h.0.mlp.c_fc.weight', tf.tensor2d([gw])], ['h.0.mlp.c_fc.bias', tf.tensor1d(gb)]]);
    deviceAdamwStep(st, g, 0.1);
    for (const t of g.values()) t.dispose();
  };
  step([0.1, -0.3], [2]);
  const close = (got: ArrayLike<number>, want: number[], what: string) => want.forEach((x, i) => assert.ok(Math.abs(got[i]! - x) <= 1e-6 * Math.abs(x), `${what}[${i}]: ${got[i]} vs ${x}`));
  close(w.dataSync(), [0.89900001, -1.8980000033], 'w after step 1');
  close(b.dataSync(), [0.4000000005], 'b after step 1');
  step([0.2, 0.1], [-1]);
  close(w.dataSync(), [0.8015828135112532, -1.8560801479247475], 'w after step 2');
  close(b.dataSync(), [0.37336629670243154], 'b after step 2');
  const host = toHostState(st);
  assert.equal(host.step, 2);
  // m after two steps = 0.9 * 0.1 g1 + 0.1 g2 (hand-derived).
  close(host.slots.get('h.0.mlp.c_fc.weight')!.m, [0.9 * 0.01 + 0.02, 0.9 * -0.03 + 0.01], 'm');
  close(host.slots.get('h.0.mlp.c_fc.bias')!.v, [0.999 * 0.001 * 4 + 0.001 * 1], 'v');
  assert.equal(host.slots.get('h.0.mlp.c_fc.bias')!.decay, false);
  for (const s of st.slots.values()) { s.m.dispose(); s.v.dispose(); }
  w.dispose(); b.dispose();
});

const blocks = makeBlocks(16);
const config = { steps: 4, batchSize: 2, accumulation: 2, lr: 1e-2, warmupSteps: 1, dropout: false, shuffle: false, maxGradNorm: 0.5, saveEvery: 1, seed: 4 } as const;

async function train(optimizer: 'host' | 'device', runDir: string, opts: { stopAfter?: number; resume?: boolean } = {}): Promise<Map<string, Float32Array>> {
  const model = tinyGpt2(3);
  const ac = new AbortController();
  const { model: m, log } = await finetune(model, blocks, { ...config, runDir, resume: opts.resume ?? false },
    { handleSigint: false, optimizer, signal: ac.signal, onRecord: (r) => { if (r.step === opts.stopAfter) ac.abort(); } });
  if (opts.stopAfter !== undefined) assert.equal(log.stoppedBy, 'interrupt');
  const s = snapshot(m); disposeParams(model); disposeParams(m);
  return s;
}

/**
 * Per tensor: max |a - b| <= 1e-6 x the tensor's largest |weight|. Exception, by the math: the
 * KEY part of each c_attn bias (elements C..2C) has an exactly zero gradient (softmax is invariant
 * to adding q.b_k to every score of a row), so what it receives is float32 rounding noise, and Adam
 * normalises noise to steps of up to ~lr: there the two paths' different roundings give different
 * noise, and only |diff| <= 1e-4 x lr x updates is asserted.
 */
function assertSame(a: Map<string, Float32Array>, b: Map<string, Float32Array>, what: string): void {
  assert.deepEqual([...a.keys()], [...b.keys()]);
  const C = 16;   // tinyGpt2's width
  for (const [k, x] of a) {
    const y = b.get(k)!;
    const keyBias = (i: number): boolean => k.endsWith('attn.c_attn.bias') && i >= C && i < 2 * C;
    let scale = 0, diff = 0, noise = 0;
    for (let i = 0; i < x.length; i++) {
      const d = Math.abs(x[i]! - y[i]!);
      if (keyBias(i)) { noise = Math.max(noise, d); continue; }
      scale = Math.max(scale, Math.abs(x[i]!)); diff = Math.max(diff, d);
    }
    assert.ok(diff <= 1e-6 * scale, `${what}: ${k} max |diff| ${diff} (largest weight ${scale})`);
    assert.ok(noise <= 1e-4 * config.lr * config.steps, `${what}: ${k} key-bias |diff| ${noise}`);
  }
}

test('finetune: host and device AdamW give the same parameters after 4 updates (accumulation, clipping active)', async () => {
  const start = snapshot(tinyGpt2(3));
  const host = await train('host', tmp()), dev = await train('device', tmp());
  assertSame(host, dev, 'host vs device');
  // The updates are real: every tensor moved.
  for (const [k, x] of host) assert.ok(x.some((v, i) => v !== start.get(k)![i]), `${k} unchanged`);
});

test('finetune: each path resumes the other path\'s checkpoint (one format)', async () => {
  const full = await train('host', tmp());
  const d1 = tmp();
  await train('host', d1, { stopAfter: 2 });
  assertSame(full, await train('device', d1, { resume: true }), 'host -> device resume');
  const d2 = tmp();
  await train('device', d2, { stopAfter: 2 });
  assertSame(full, await train('host', d2, { resume: true }), 'device -> host resume');
});

test('finetune on the device path leaves no tensors behind', async () => {
  await train('device', tmp());     // warm: kernels, caches
  const n0 = tf.memory().numTensors;
  await train('device', tmp());
  assert.equal(tf.memory().numTensors, n0);
});
