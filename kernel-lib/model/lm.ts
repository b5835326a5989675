/**
 * Family-generic language-model heads: logits, the next-token loss (and its gradients) and the
 * evaluation scorer. Nothing here knows the family: it composes `family.hidden` and
 * `family.lmHead` (model/types.ts).
 *
 * Right padding is exact everywhere: attention is causal, so a real token never attends to the
 * pads after it; padded positions are skipped through `mask` (loss) or target -1 (scoreTokens).
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients; the built-in ops used in the forwards need theirs.
import './ops/gradients.ts';
import type { ForwardOptions, LanguageModel } from './types.ts';
import { getFamily } from './families.ts';
import { headCrossEntropy, headLogits, headTargetLogProbs } from './ops/head-cross-entropy.ts';
import { assertTrainingFits } from './memory-guard.ts';

export interface LmBatch {
  readonly ids: tf.Tensor2D;      // [B, T] int32 input tokens
  readonly targets: tf.Tensor2D;  // [B, T] int32 token expected after each position (any valid id where mask = 0)
  readonly mask: tf.Tensor2D;     // [B, T] float32, 1 = position counts in the loss, 0 = skipped
}

export type LossOptions = ForwardOptions & {
  /** 'mean' (default): sum over mask=1 positions / their count; 'sum': the plain sum. */
  readonly reduction?: 'mean' | 'sum';
};

function checkIds(ids: tf.Tensor, what: string): void {
  if (ids.rank !== 2 || ids.dtype !== 'int32') throw new Error(`${what} must be [B, T] int32, got [${ids.shape}] ${ids.dtype}`);
}

/** Logits [B, T, V] for ids [B, T] int32 (evaluation mode). */
export function logits(model: LanguageModel, ids: tf.Tensor2D): tf.Tensor3D {
  checkIds(ids, 'logits: ids');
  const family = getFamily(model.family);
  return tf.tidy(() => {
    const [B, T] = ids.shape;
    const x = family.hidden(model, ids);                          // [N, C]
    const z = headLogits(x, family.lmHead(model));                // [N, V]
    return tf.reshape(z, [B, T, z.shape[1]]) as tf.Tensor3D;
  });
}

/** Next-token logits [B, V] at the last position of each row of ids [B, T] int32 (generation):
 *  the head, the dominant cost at small widths, runs on B rows instead of B*T. */
export function lastLogits(model: LanguageModel, ids: tf.Tensor2D): tf.Tensor2D {
  checkIds(ids, 'lastLogits: ids');
  const family = getFamily(model.family);
  return tf.tidy(() => {
    const [B, T] = ids.shape;
    const x = tf.reshape(family.hidden(model, ids), [B, T, -1]);               // [B, T, C]
    const last = tf.reshape(tf.slice(x, [0, T - 1, 0], [B, 1, -1]), [B, -1]);  // [B, C]
    return headLogits(last as tf.Tensor2D, family.lmHead(model));              // [B, V]
  });
}

/**
 * Mean (or summed) next-token cross-entropy over the mask=1 positions; differentiable w.r.t.
 * model.params. The mean of an all-zero mask is 0.
 */
export function lmLoss(model: LanguageModel, batch: LmBatch, opts: LossOptions = {}): tf.Scalar {
  checkIds(batch.ids, 'lmLoss: batch.ids');
  checkIds(batch.targets, 'lmLoss: batch.targets');
  const [B, T] = batch.ids.shape;
  if (batch.targets.shape[0] !== B || batch.targets.shape[1] !== T || batch.mask.shape[0] !== B || batch.mask.shape[1] !== T) {
    throw new Error(`lmLoss: targets [${batch.targets.shape}] and mask [${batch.mask.shape}] must match ids [${B}, ${T}]`);
  }
  const family = getFamily(model.family);
  return tf.tidy(() => {
    const N = B * T;
    const mask = tf.cast(tf.reshape(batch.mask, [N]), 'float32') as tf.Tensor1D;         // [N]
    const count = opts.reduction === 'sum' ? 1 : Math.max(1, tf.sum(mask).arraySync() as number);
    const w = tf.div(mask, count) as tf.Tensor1D;                                          // [N] weight per position
    // Masked positions may carry any target (e.g. -1): clamp so the row gather stays in range.
    const tgt = tf.maximum(tf.reshape(batch.targets, [N]), tf.scalar(0, 'int32')) as tf.Tensor1D;
    const x = family.hidden(model, batch.ids, opts);                                       // [N, C]
    const W = family.lmHead(model);                                                        // [V, C]
    return headCrossEntropy(x, W, tgt, w);
  });
}

/**
 * Loss and gradients w.r.t. every parameter (keyed by HF name; the caller disposes them).
 * Refuses, before allocating, a model whose training would not fit the backend's memory.
 */
export function lossAndGrads(model: LanguageModel, batch: LmBatch, opts: LossOptions = {}): { loss: number; grads: Map<string, tf.Tensor> } {
  assertTrainingFits(model, batch.ids.shape[0] * batch.ids.shape[1]);
  const names = [...model.params.keys()];
  const vars = names.map((n) => model.params.get(n)!);
  const { value, grads } = tf.variableGrads(() => lmLoss(model, batch, opts), vars);
  const loss = value.dataSync()[0]!;
  value.dispose();
  const out = new Map<string, tf.Tensor>();
  for (const [i, n] of names.entries()) out.set(n, grads[vars[i]!.name]!);
  return { loss, grads: out };
}

export interface TokenScores {
  /** [B*T]: log p(targets[i] | ids up to position i); NaN where the target is -1. */
  readonly logprobs: Float32Array;
  /** [B*T]: 1 where the target is the argmax (first maximal index) of the logits, else 0. */
  readonly greedy: Uint8Array;
}

/**
 * Evaluation scorer: ids [B*T] (row-major [B, T]), targets[b*T+t] = token expected after
 * position t or -1 to skip. The head runs only on the positions that are scored.
 */
export function scoreTokens(model: LanguageModel, ids: Int32Array, B: number, T: number, targets: Int32Array): TokenScores {
  const N = B * T;
  if (ids.length !== N || targets.length !== N) {
    throw new Error(`scoreTokens: ids (${ids.length}) and targets (${targets.length}) must both have B*T = ${B}*${T} = ${N} entries`);
  }
  const V = model.config.vocabSize;
  const rows: number[] = [];
  const tg: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = targets[i]!;
    if (t === -1) continue;
    if (!(t >= 0 && t < V)) throw new Error(`scoreTokens: targets[${i}] = ${t} is outside [0, ${V}) and not -1`);
    rows.push(i); tg.push(t);
  }
  const logprobs = new Float32Array(N).fill(NaN);
  const greedy = new Uint8Array(N);
  if (rows.length === 0) return { logprobs, greedy };
  const family = getFamily(model.family);
  const [lp, am] = tf.tidy(() => {
    const x = family.hidden(model, tf.tensor2d(ids, [B, T], 'int32'));                    // [N, C]
    const xs = tf.gather(x, tf.tensor1d(rows, 'int32')) as tf.Tensor2D;                   // [M, C]
    const r = headTargetLogProbs(xs, family.lmHead(model), tf.tensor1d(tg, 'int32'));    // [M], [M]
    return [r.logprob, r.greedy];
  });
  const lpv = lp.dataSync(), amv = am.dataSync();
  lp.dispose(); am.dispose();
  for (const [m, i] of rows.entries()) { logprobs[i] = lpv[m]!; greedy[i] = amv[m]!; }
  return { logprobs, greedy };
}
