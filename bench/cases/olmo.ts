/**
 * OLMo throughput for a config scaled to ~100M parameters : OLMo-1B's
 * shape ratios (F = 4C, D = 64... OLMo-1B has D = 128; here C = 640 gives H = 10 heads of 64),
 * V = 50304 tied, L = 10: 97.7M parameters (32.2M of them the embedding). Random weights
 * (normal 0.02), random tokens. "fwd" = eval forward incl. logits for all positions and the mean
 * cross-entropy (synced by reading the loss); "train" = forward + backward + the project's AdamW
 * step (kernel-lib/train/adamw.ts, state in JS memory), as finetune runs it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BenchCase, BenchResult } from '../case.ts';
import { timeSteps } from '../case.ts';
import { initBackend } from '../../kernel-lib/runtime/backend.ts';
import { getFamily } from '../../kernel-lib/model/families.ts';
import { lmLoss, lossAndGrads, type LmBatch } from '../../kernel-lib/model/lm.ts';
import { adamwStep, createAdamW, writeWeights } from '../../kernel-lib/train/adamw.ts';
import type { LanguageModel, OlmoConfig } from '../../kernel-lib/model/types.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';

const olmo = getFamily<OlmoConfig>('olmo');

interface Shape { readonly L: number; readonly H: number; readonly C: number; readonly F: number; readonly V: number; readonly B: number; readonly T: number }

const OLMO_100M: Shape = { L: 10, H: 10, C: 640, F: 2560, V: 50304, B: 4, T: 128 };
const OLMO_100M_TRAIN: Shape = OLMO_100M;

function setup(s: Shape): { model: LanguageModel<OlmoConfig>; batch: LmBatch } {
  const cfg = olmo.parseConfig({
    model_type: 'olmo', vocab_size: s.V, hidden_size: s.C, intermediate_size: s.F, num_hidden_layers: s.L,
    num_attention_heads: s.H, num_key_value_heads: s.H, max_position_embeddings: 2048, rope_theta: 10000,
    clip_qkv: null, tie_word_embeddings: true, pad_token_id: 1, eos_token_id: 50279,
  }, 'bench olmo-100m config');
  const init = olmo.initParams(cfg, 1);
  const params = new Map<string, tf.Variable>();
  for (const [n, t] of init) { params.set(n, tf.variable(t, true, `bench/${n}`)); t.dispose(); }
  const rng = createRng(2);
  const ids = Int32Array.from({ length: s.B * (s.T + 1) }, () => rng.int(50280));
  const inp = new Int32Array(s.B * s.T), tgt = new Int32Array(s.B * s.T);
  for (let b = 0; b < s.B; b++) for (let t = 0; t < s.T; t++) { inp[b * s.T + t] = ids[b * (s.T + 1) + t]!; tgt[b * s.T + t] = ids[b * (s.T + 1) + t + 1]!; }
  const batch = { ids: tf.tensor2d(inp, [s.B, s.T], 'int32'), targets: tf.tensor2d(tgt, [s.B, s.T], 'int32'), mask: tf.ones([s.B, s.T]) as tf.Tensor2D };
  return { model: { family: 'olmo', config: cfg, params }, batch };
}

function paramCount(model: LanguageModel): number {
  let n = 0;
  for (const v of model.params.values()) n += v.size;
  return n;
}

async function forward(s: Shape, warm: number, timed: number): Promise<BenchResult> {
  await initBackend({ quiet: true });
  const { model, batch } = setup(s);
  let loss = 0;
  const secs = await timeSteps(() => { loss = tf.tidy(() => lmLoss(model, batch).dataSync()[0]!); }, warm, timed);
  return { tokensPerStep: s.B * s.T, stepSeconds: secs.wall, cpuSeconds: secs.cpu, extra: { loss, params: paramCount(model) } };
}

async function train(s: Shape, warm: number, timed: number): Promise<BenchResult> {
  await initBackend({ quiet: true });
  const { model, batch } = setup(s);
  const opt = createAdamW(model.params, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, noDecay: ['embed_tokens'] });
  let loss = 0;
  const secs = await timeSteps(() => {
    const r = lossAndGrads(model, batch);
    loss = r.loss;
    const g = new Map<string, Float32Array>();
    for (const [n, t] of r.grads) { g.set(n, t.dataSync() as Float32Array); t.dispose(); }
    adamwStep(opt, g, 3e-4);
    writeWeights(opt, model.params);
  }, warm, timed);
  return { tokensPerStep: s.B * s.T, stepSeconds: secs.wall, cpuSeconds: secs.cpu, extra: { loss, params: paramCount(model) } };
}

export const cases: BenchCase[] = [
  { name: 'olmo-100m-fwd', description: 'OLMo-shaped ~98M (L10 H10 C640 F2560 V50304 tied), batch 4x128, eval forward + CE', run: () => forward(OLMO_100M, 1, 3) },
  { name: 'olmo-100m-train', description: 'OLMo-shaped ~98M (L10 H10 C640 F2560 V50304 tied), batch 4x128, forward + backward + AdamW', run: () => train(OLMO_100M_TRAIN, 1, 2) },
];
