/**
 * One forward pass, many (position, target) log-probabilities: like model/lm.ts scoreTokens, but
 * a position may be scored against several targets. lm-eval's logits cache needs this: MMLU's
 * " A" / " B" / " C" / " D" share the whole input and differ only in the last target, so they
 * cost one forward pass. The head runs on the scored positions only, in chunks of
 * about 16 Mi logits so long rolling windows never build a [B*T, V] tensor.
 * (model/lm.ts scoreTokens takes one target per position, hence this variant; a test checks
 * that both agree.) Numerics: log p = z_target - logsumexp(z) in float32 as lm-eval's float32
 * log_softmax; the caller sums per-token values in float64 where torch sums in float32, a
 * difference far below the 1e-5 batch-agreement tolerance for continuations of a few tokens.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LanguageModel } from '../model/types.ts';
import { getFamily } from '../model/families.ts';
import { headLogits } from '../model/ops/head-cross-entropy.ts';

/** Score log p(target | ids[..pos]) where pos indexes the flattened [B, T] input. */
export interface ScorePair {
  readonly pos: number;
  readonly target: number;
}

/**
 * ids [B*T] int32 (row-major [B, T]); returns, per pair, the log-probability and whether the
 * target is the argmax (first maximal index, as torch/np argmax) at its position.
 */
export function scorePositions(
  model: LanguageModel, ids: Int32Array, B: number, T: number, pairs: readonly ScorePair[],
): { logprobs: Float64Array; greedy: Uint8Array } {
  if (ids.length !== B * T) throw new Error(`scorePositions: ids has ${ids.length} entries, expected B*T = ${B * T}`);
  const V = model.config.vocabSize;
  const positions = [...new Set(pairs.map((p) => p.pos))].sort((a, b) => a - b);
  const rowOf = new Map(positions.map((p, m) => [p, m]));
  for (const p of pairs) {
    if (!(p.pos >= 0 && p.pos < B * T)) throw new Error(`scorePositions: pos ${p.pos} outside [0, ${B * T})`);
    if (!(p.target >= 0 && p.target < V)) throw new Error(`scorePositions: target ${p.target} outside [0, ${V})`);
  }
  const logprobs = new Float64Array(pairs.length);
  const greedy = new Uint8Array(pairs.length);
  if (pairs.length === 0) return { logprobs, greedy };
  const family = getFamily(model.family);
  const M = positions.length;
  const zAt = new Float32Array(pairs.length);
  const lse = new Float32Array(M);
  const arg = new Int32Array(M);
  const chunk = Math.max(1, Math.floor((16 * 1024 * 1024) / V));
  const hidden = tf.tidy(() => {
    const x = family.hidden(model, tf.tensor2d(ids, [B, T], 'int32'));                   // [N, C]
    return tf.gather(x, tf.tensor1d(positions, 'int32')) as tf.Tensor2D;                  // [M, C]
  });
  try {
    // pairs grouped by chunk of scored rows
    const byRow: number[][] = Array.from({ length: M }, () => []);
    pairs.forEach((p, k) => byRow[rowOf.get(p.pos)!]!.push(k));
    for (let s = 0; s < M; s += chunk) {
      const e = Math.min(M, s + chunk);
      const ks = byRow.slice(s, e).flat();
      const flat = ks.map((k) => (rowOf.get(pairs[k]!.pos)! - s) * V + pairs[k]!.target);
      const [zt, l, a] = tf.tidy(() => {
        const xs = tf.slice(hidden, [s, 0], [e - s, -1]) as tf.Tensor2D;                  // [m, C]
        const z = headLogits(xs, family.lmHead(model));                                    // [m, V]
        return [
          tf.gather(tf.reshape(z, [(e - s) * V]), tf.tensor1d(flat, 'int32')),            // [k]
          tf.logSumExp(z, 1),                                                              // [m]
          tf.argMax(z, 1),                                                                 // [m]
        ];
      });
      const ztv = zt.dataSync(), lv = l.dataSync(), av = a.dataSync();
      tf.dispose([zt, l, a]);
      ks.forEach((k, j) => { zAt[k] = ztv[j]!; });
      lse.set(lv, s);
      arg.set(av, s);
    }
  } finally {
    hidden.dispose();
  }
  pairs.forEach((p, k) => {
    const m = rowOf.get(p.pos)!;
    logprobs[k] = zAt[k]! - lse[m]!;
    greedy[k] = arg[m] === p.target ? 1 : 0;
  });
  return { logprobs, greedy };
}
