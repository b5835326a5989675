/**
 * One process of the `ort-train-*` bench cases: `node --import tsx bench/ort-train-child.ts
 * RECOMPUTE L H C V B T WARM TIMED [P]` (threads from LAB_ORT_THREADS) trains a random GPT-2 of that
 * shape (dropout P at every GPT-2 site, default 0: masks drawn on the host per update) on ONNX Runtime gradients (train/ort-gradients.ts) with the host AdamW (train/adamw.ts)
 * and prints one JSON line: per-update wall seconds (forward + backward + AdamW), the gradient
 * part alone, loss, peak RSS.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../kernel-lib/runtime/backend.ts';
import { gpt2 } from '../kernel-lib/model/gpt2.ts';
import { parseGpt2Config } from '../kernel-lib/model/gpt2-config.ts';
import { adamwStep, createAdamW } from '../kernel-lib/train/adamw.ts';
import { createOrtGradients } from '../kernel-lib/train/ort-gradients.ts';
import { createRng } from '../kernel-lib/runtime/random.ts';
import { ortThreads } from '../kernel-lib/runtime/engine-env.ts';

const [recompute, L, H, C, V, B, T, warm, timed, P = 0] = process.argv.slice(2).map(Number) as [number, number, number, number, number, number, number, number, number, number?];
await initBackend({ backend: 'cpu', quiet: true });
const config = parseGpt2Config({ model_type: 'gpt2', n_layer: L, n_head: H, n_embd: C, vocab_size: V, n_positions: Math.max(T, 128), resid_pdrop: P, embd_pdrop: P, attn_pdrop: P }, 'bench');
const params = new Map<string, tf.Variable>();
for (const [n, t] of gpt2.initParams(config, 1)) { params.set(n, tf.variable(t)); t.dispose(); }
const model = { family: 'gpt2', config, params };
const state = createAdamW(params, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, noDecay: ['wte', 'wpe'] });
for (const v of params.values()) v.dispose();   // the optimizer's master weights are the only copy from here on
const og = createOrtGradients(model, { dropout: P > 0 ? 'apply' : 'ignore', recompute: recompute === 1, weights: new Map([...state.slots].map(([n, s]) => [n, s.w])) });
const acc = new Map([...state.slots].map(([n, s]) => [n, s.grad!]));   // the slots' own gradient buffers: the update runs in place (as train/ort-engine.ts)
const rng = createRng(3);
const wall: number[] = [], gradWall: number[] = [];
let loss = NaN;
for (let step = 0; step < warm + timed; step++) {
  const ids = Int32Array.from({ length: B * T }, () => rng.int(V)), targets = Int32Array.from({ length: B * T }, () => rng.int(V));
  const t0 = performance.now();
  const r = await og.lossAndGrads({ ids, targets, mask: new Float32Array(B * T).fill(1), B, T }, acc, { overwrite: true, ...(P > 0 ? { dropoutSeed: step } : {}) });
  if (step >= warm) gradWall.push((performance.now() - t0) / 1000);
  adamwStep(state, acc, 3e-4, 1 / r.tokens);
  loss = r.loss / r.tokens;
  if (step >= warm) wall.push((performance.now() - t0) / 1000);
}
og.close();
console.log(JSON.stringify({ threads: ortThreads(), tokensPerStep: B * T, stepSeconds: wall, gradSeconds: gradWall, loss, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
