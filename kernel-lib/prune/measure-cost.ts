/**
 * Cost of a (pruned) model, as pruning papers report it (docs/pruning-facts.md section 5): parameters,
 * FLOPs per token in closed form from the tensor shapes, forward latency at batch 1 and 8, and
 * peak tensor memory of a forward pass.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel } from '../model/types.ts';
import { getFamily } from '../model/families.ts';
import { forShapes, numel, paramShapes } from '../model/param-values.ts';
import { logits } from '../model/lm.ts';
import { countParameters, parameterRole, type ParameterCounts } from './count-parameters.ts';
import type { EngineName } from '../runtime/engine-env.ts';
import { selectEngine } from '../engine/select-engine.ts';
import { runDecoder } from '../engine/ort-decoder.ts';

export interface FlopsPerToken {
  /** 2 * (weight matrix elements) of the blocks: every token multiplies through each once. */
  readonly blocks: number;
  /** Attention score and value products: per layer 2 * 2 * (mean causal context (T+1)/2) * (h * D). */
  readonly attention: number;
  /** Output head 2 * V * C (tied or not; never pruned). */
  readonly head: number;
  readonly total: number;
}

/**
 * Forward FLOPs per token at context `seqLen` (multiply-add = 2 FLOPs; biases, norms and
 * nonlinearities ignored, as in Kaplan et al. 2020's C_forward ~ 2N + 2 n_layer n_ctx d_attn,
 * here with the causal mean context). GPT-2 small at T=1024: blocks+attention ~189 MFLOP,
 * head ~77 MFLOP (docs/pruning-facts.md section 3).
 */
export function flopsPerToken(model: LanguageModel, seqLen: number): FlopsPerToken {
  let blocks = 0;
  for (const [name, shape] of paramShapes(model)) {
    if (shape.length === 2 && parameterRole(name) !== 'embeddings') blocks += 2 * numel(shape);
  }
  let attention = 0;
  for (const g of getFamily(model.family).groups(forShapes(model))) {
    if (g.kind === 'heads') attention += 2 * 2 * ((seqLen + 1) / 2) * g.count * g.slices[0]!.width;
  }
  const head = 2 * model.config.vocabSize * model.config.hiddenSize;   // output embedding [V, C]
  return { blocks, attention, head, total: blocks + attention + head };
}

export interface Latency {
  readonly batch: number;
  readonly seqLen: number;
  /** Median wall time of one forward (logits) over `repeats` runs, in ms. */
  readonly ms: number;
  readonly tokensPerSecond: number;
  /** Peak tensor bytes allocated during one forward (tf.profile), excluding the weights; on ort,
   *  the growth of the process's peak resident memory over the timed runs (0 when it did not grow). */
  readonly peakBytes: number;
  /** Engine that ran the forwards (engine/select-engine.ts). */
  readonly engine?: EngineName;
}

export interface CostOptions {
  readonly seqLen: number;              // tokens per sequence (clamped to the model's maxPositions)
  readonly batches: readonly number[];  // batch sizes timed
  readonly repeats: number;             // timed runs per batch size (after one warm-up)
  readonly engine?: EngineName;         // 'ort' (default when it loads: the decoder graph, logits at every position) or 'tfjs'
}

export const costDefaults: CostOptions = { seqLen: 128, batches: [1, 8], repeats: 3 };

export interface ModelCost {
  readonly parameters: ParameterCounts;
  readonly flopsPerToken: FlopsPerToken;
  /** Bytes of the weights as held (float32). */
  readonly weightBytes: number;
  readonly latency: readonly Latency[];
}

/** Median wall time of `repeats` decoder-graph forwards (logits [B, T, V]) after one warm-up. */
function ortLatency(model: LanguageModel, B: number, T: number, repeats: number): Latency {
  const ids = Array.from({ length: B * T }, (_, k) => (k * 7919 + 1234) % (model.config.vocabSize - 1));
  runDecoder(model, ids, B, T, null);                                  // warm-up (session, weight packing)
  const rss0 = process.resourceUsage().maxRSS * 1024;
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    runDecoder(model, ids, B, T, null);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)]!;
  return { batch: B, seqLen: T, ms, tokensPerSecond: (B * T) / (ms / 1000), peakBytes: process.resourceUsage().maxRSS * 1024 - rss0, engine: 'ort' };
}

/** Times forward passes of random token ids; `repeats: 0` skips timing (parameters and FLOPs only). */
export async function measureCost(model: LanguageModel, options: Partial<CostOptions> = {}): Promise<ModelCost> {
  const o = { ...costDefaults, ...options };
  const T = Math.min(o.seqLen, model.config.maxPositions);
  const parameters = countParameters(model);
  const latency: Latency[] = [];
  const engine = o.repeats > 0 ? selectEngine(model, o.engine) : 'tfjs';
  for (const B of o.repeats > 0 ? o.batches : []) {
    if (engine === 'ort') { latency.push(ortLatency(model, B, T, o.repeats)); continue; }
    const ids = tf.tidy(() => tf.cast(tf.floor(tf.mul(tf.randomUniform([B, T], 0, 1, 'float32', 1234), model.config.vocabSize - 1)), 'int32')) as tf.Tensor2D;
    const run = async (): Promise<void> => { const z = logits(model, ids); await z.data(); z.dispose(); };
    await run();                                                     // warm-up (kernel setup, weight packing)
    const before = tf.memory().numBytes;
    const prof = await tf.profile(run);                              // peak memory (absolute bytes)
    const times: number[] = [];
    for (let r = 0; r < o.repeats; r++) {
      const t0 = performance.now();
      await run();
      times.push(performance.now() - t0);
    }
    ids.dispose();
    times.sort((a, b) => a - b);
    const ms = times[Math.floor(times.length / 2)]!;
    latency.push({ batch: B, seqLen: T, ms, tokensPerSecond: (B * T) / (ms / 1000), peakBytes: prof.peakBytes - before, engine: 'tfjs' });
  }
  return { parameters, flopsPerToken: flopsPerToken(model, T), weightBytes: 4 * parameters.total, latency };
}
