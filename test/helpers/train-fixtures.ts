/**
 * Fixtures for the training tests: a tiny randomly initialised GPT-2 built through the family
 * (parseConfig + initParams, as loadModel would), deterministic blocks, and a toy objective.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gpt2 } from '../../kernel-lib/model/gpt2.ts';
import { parseGpt2Config } from '../../kernel-lib/model/gpt2-config.ts';
import { type GPT2Config, type LanguageModel } from '../../kernel-lib/index.ts';
import type { TrainBlock } from '../../kernel-lib/train/block-stream.ts';
import type { Objective } from '../../kernel-lib/train/objective.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';

/** A GPT-2 with V 61, 16 positions, C 16, 2 layers, 2 heads, dropout 0.1 (so training is stochastic). */
export function tinyGpt2(seed = 1): LanguageModel<GPT2Config> {
  const config = parseGpt2Config({ model_type: 'gpt2', vocab_size: 61, n_positions: 16, n_embd: 16, n_layer: 2, n_head: 2, bos_token_id: 60, eos_token_id: 60 }, 'tiny-gpt2');
  const params = new Map<string, tf.Variable>();
  for (const [k, t] of gpt2.initParams(config, seed)) { params.set(k, tf.variable(t)); t.dispose(); }
  return { family: 'gpt2', config, params };
}

export function disposeParams(model: LanguageModel): void {
  for (const p of model.params.values()) p.dispose();
}

/** `n` blocks of T+1 ids drawn from a small repeating "language" (learnable), masks with some zeros. */
export function makeBlocks(n: number, T = 8, V = 61, seed = 5): TrainBlock[] {
  const rng = createRng(seed);
  const out: TrainBlock[] = [];
  for (let b = 0; b < n; b++) {
    const ids = new Int32Array(T + 1);
    let x = rng.int(V);
    for (let t = 0; t <= T; t++) { ids[t] = x; x = (x * 7 + 3 + (rng.next() < 0.2 ? rng.int(3) : 0)) % V; }
    const mask = new Uint8Array(T).map((_, t) => (t < b % 3 ? 0 : 1)); // uneven token counts per block
    out.push({ ids, mask });
  }
  return out;
}

/** Snapshot of every parameter's values (for equality checks). */
export function snapshot(model: LanguageModel): Map<string, Float32Array> {
  return new Map([...model.params].map(([k, v]) => [k, new Float32Array(v.dataSync() as Float32Array)]));
}

/** Counts calls of an objective (to prove nothing was computed). */
export function spyObjective(inner: Objective): Objective & { calls: number } {
  const spy = {
    calls: 0,
    lossAndGrads: (m: LanguageModel, b: Parameters<Objective['lossAndGrads']>[1], o: Parameters<Objective['lossAndGrads']>[2]) => { spy.calls++; return inner.lossAndGrads(m, b, o); },
    lossSum: (m: LanguageModel, b: Parameters<Objective['lossSum']>[1]) => { spy.calls++; return inner.lossSum(m, b); },
  };
  return spy;
}
