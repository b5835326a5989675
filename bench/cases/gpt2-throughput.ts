/**
 * GPT-2 throughput at the shapes measured for docs/wasm-performance.md: random weights, random
 * tokens; "fwd" = eval forward incl. logits for all positions and the mean cross-entropy (synced
 * by reading the loss); "train" = forward + backward + a plain Adam update (lr 3e-4).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BenchCase, BenchResult } from '../case.ts';
import { timeSteps } from '../case.ts';
import { initBackend } from '../../kernel-lib/runtime/backend.ts';
import { gpt2 } from '../../kernel-lib/model/gpt2.ts';
import { lmLoss, lossAndGrads, type LmBatch } from '../../kernel-lib/model/lm.ts';
import type { GPT2Config, LanguageModel } from '../../kernel-lib/model/types.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';

interface Shape { readonly L: number; readonly H: number; readonly C: number; readonly V: number; readonly B: number; readonly T: number }

const SMALL: Shape = { L: 12, H: 12, C: 768, V: 50257, B: 4, T: 128 };
const MINI: Shape = { L: 4, H: 4, C: 256, V: 50257, B: 8, T: 128 };

function config(s: Shape): GPT2Config {
  return {
    family: 'gpt2', vocabSize: s.V, maxPositions: 1024, hiddenSize: s.C, numLayers: s.L, numHeads: s.H,
    eosTokenId: 50256, bosTokenId: 50256, padTokenId: null, tieWordEmbeddings: true, innerSize: 4 * s.C,
    layerNormEpsilon: 1e-5, activation: 'gelu_new', dropout: { resid: 0, embd: 0, attn: 0 }, prunedHeads: {}, raw: { model_type: 'gpt2' },
  };
}

function setup(s: Shape): { model: LanguageModel<GPT2Config>; batch: LmBatch } {
  const cfg = config(s);
  const init = gpt2.initParams(cfg, 1);
  const params = new Map<string, tf.Variable>();
  for (const [n, t] of init) { params.set(n, tf.variable(t, true, `bench/${n}`)); t.dispose(); }
  const rng = createRng(2);
  const ids = Int32Array.from({ length: s.B * (s.T + 1) }, () => rng.int(s.V));
  const inp = new Int32Array(s.B * s.T), tgt = new Int32Array(s.B * s.T);
  for (let b = 0; b < s.B; b++) for (let t = 0; t < s.T; t++) { inp[b * s.T + t] = ids[b * (s.T + 1) + t]!; tgt[b * s.T + t] = ids[b * (s.T + 1) + t + 1]!; }
  const batch = { ids: tf.tensor2d(inp, [s.B, s.T], 'int32'), targets: tf.tensor2d(tgt, [s.B, s.T], 'int32'), mask: tf.ones([s.B, s.T]) as tf.Tensor2D };
  return { model: { family: 'gpt2', config: cfg, params }, batch };
}

async function forward(s: Shape, warm: number, timed: number): Promise<BenchResult> {
  await initBackend({ quiet: true });
  const { model, batch } = setup(s);
  let loss = 0;
  const secs = await timeSteps(() => { loss = tf.tidy(() => lmLoss(model, batch).dataSync()[0]!); }, warm, timed);
  return { tokensPerStep: s.B * s.T, stepSeconds: secs.wall, cpuSeconds: secs.cpu, extra: { loss } };
}

/** Plain Adam (no weight decay, no bias-corrected epsilon tricks); new tensors assigned, never in place. */
function adamStep(model: LanguageModel, grads: Map<string, tf.Tensor>, state: Map<string, [tf.Tensor, tf.Tensor]>, step: number, lr = 3e-4): void {
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const c1 = 1 - b1 ** step, c2 = 1 - b2 ** step;
  for (const [name, v] of model.params) {
    const g = grads.get(name)!;
    const prev = state.get(name);
    const [m, s2] = tf.tidy(() => [
      prev ? tf.add(tf.mul(prev[0], b1), tf.mul(g, 1 - b1)) : tf.mul(g, 1 - b1),
      prev ? tf.add(tf.mul(prev[1], b2), tf.mul(tf.square(g), 1 - b2)) : tf.mul(tf.square(g), 1 - b2),
    ]);
    tf.tidy(() => v.assign(tf.sub(v, tf.mul(tf.div(tf.div(m!, c1), tf.add(tf.sqrt(tf.div(s2!, c2)), eps)), lr))));
    if (prev) { prev[0].dispose(); prev[1].dispose(); }
    state.set(name, [m!, s2!]);
    g.dispose();
  }
}

async function train(s: Shape, warm: number, timed: number): Promise<BenchResult> {
  await initBackend({ quiet: true });
  const { model, batch } = setup(s);
  const state = new Map<string, [tf.Tensor, tf.Tensor]>();
  let step = 0, loss = 0;
  const secs = await timeSteps(() => {
    const r = lossAndGrads(model, batch);
    loss = r.loss;
    adamStep(model, r.grads, state, ++step);
  }, warm, timed);
  return { tokensPerStep: s.B * s.T, stepSeconds: secs.wall, cpuSeconds: secs.cpu, extra: { loss } };
}

export const cases: BenchCase[] = [
  { name: 'gpt2-small-fwd', description: 'GPT-2 small (L12 H12 C768 V50257), batch 4x128, eval forward + CE', run: () => forward(SMALL, 1, 3) },
  { name: 'mini-fwd', description: 'mini (L4 H4 C256 V50257), batch 8x128, eval forward + CE', run: () => forward(MINI, 1, 5) },
  { name: 'mini-train', description: 'mini (L4 H4 C256 V50257), batch 8x128, forward + backward + Adam', run: () => train(MINI, 1, 5) },
];
