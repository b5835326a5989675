/**
 * Pruned vs unpruned forward at GPT-2 small shapes (>= 1.4x at batch 8).
 * One process holds both models (the pruned one shares the untouched tensors, e.g. wte) and times
 * them alternately, A B A B, so load from other processes hits both alike. The pruned model keeps
 * 6 of 12 heads and 1536 of 3072 MLP neurons in every layer (uniform, random criterion: which
 * units go does not change the cost). "fwd" = logits for every position + mean cross-entropy (the
 * unpruned 50257 x 768 head is ~31% of the dense FLOPs, so the end-to-end ceiling is ~1.54x);
 * "blocks" = the transformer blocks only (family.hidden), ceiling ~2x.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BenchCase, BenchResult } from '../case.ts';
import { median } from '../case.ts';
import { initBackend } from '../../kernel-lib/runtime/backend.ts';
import { gpt2 } from '../../kernel-lib/model/gpt2.ts';
import { parseGpt2Config } from '../../kernel-lib/model/gpt2-config.ts';
import { lmLoss } from '../../kernel-lib/model/lm.ts';
import type { LanguageModel } from '../../kernel-lib/model/types.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';
import { planPruning } from '../../kernel-lib/prune/plan-pruning.ts';
import { applyPlan } from '../../kernel-lib/prune/apply-plan.ts';
import { flopsPerToken } from '../../kernel-lib/prune/measure-cost.ts';

const B = 8, T = 128, V = 50257;

async function sideBySide(mode: 'fwd' | 'blocks', rounds: number): Promise<BenchResult> {
  await initBackend({ quiet: true });
  const config = parseGpt2Config({ model_type: 'gpt2', n_layer: 12, n_head: 12, n_embd: 768, vocab_size: V, n_positions: 1024 }, 'bench');
  const params = new Map<string, tf.Variable>();
  for (const [n, t] of gpt2.initParams(config, 1)) { params.set(n, tf.variable(t)); t.dispose(); }
  const dense: LanguageModel = { family: 'gpt2', config, params };
  // Exactly half of each: heads target 0.5 of head params, neurons 0.5 of MLP params, both uniform.
  const half = (groups: ('heads' | 'mlp')[]) => planPruning(dense, { target: 0.5, of: 'pruned', groups, criterion: 'random', selection: 'uniform' });
  const plan = { ...half(['heads']), groups: [...half(['heads']).groups, ...half(['mlp']).groups] };
  const pruned = applyPlan(dense, plan);
  const rng = createRng(2);
  const ids = Int32Array.from({ length: B * (T + 1) }, () => rng.int(V));
  const inp = new Int32Array(B * T), tgt = new Int32Array(B * T);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) { inp[b * T + t] = ids[b * (T + 1) + t]!; tgt[b * T + t] = ids[b * (T + 1) + t + 1]!; }
  const batch = { ids: tf.tensor2d(inp, [B, T], 'int32'), targets: tf.tensor2d(tgt, [B, T], 'int32'), mask: tf.ones([B, T]) as tf.Tensor2D };
  const step = (m: LanguageModel) => () => tf.tidy(() => {
    if (mode === 'fwd') lmLoss(m, batch).dataSync();
    else gpt2.hidden(m as never, batch.ids).dataSync();
  });
  const time = (f: () => void) => { const t0 = performance.now(), c0 = process.cpuUsage(); f(); const c = process.cpuUsage(c0); return [(performance.now() - t0) / 1000, (c.user + c.system) / 1e6] as const; };
  step(dense)(); step(pruned)();                      // warm-up both
  const dw: number[] = [], dc: number[] = [], pw: number[] = [], pc: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const [a, ac] = time(step(dense)); dw.push(a); dc.push(ac);
    const [p, cp] = time(step(pruned)); pw.push(p); pc.push(cp);
  }
  const fd = flopsPerToken(dense, T), fp = flopsPerToken(pruned, T);
  return {
    tokensPerStep: B * T, stepSeconds: pw, cpuSeconds: pc,
    extra: {
      denseMedianSec: +median(dw).toFixed(3), prunedMedianSec: +median(pw).toFixed(3),
      speedupWall: +(median(dw) / median(pw)).toFixed(3), speedupCpu: +(median(dc) / median(pc)).toFixed(3),
      flopRatio: +((mode === 'fwd' ? fd.total : fd.blocks + fd.attention) / (mode === 'fwd' ? fp.total : fp.blocks + fp.attention)).toFixed(3),
    },
  };
}

export const cases: BenchCase[] = [
  { name: 'prune-gpt2-small-fwd', description: 'GPT-2 small, batch 8x128, eval forward + CE: dense vs 50% heads + 50% MLP pruned, alternating', run: () => sideBySide('fwd', 3) },
  { name: 'prune-gpt2-small-blocks', description: 'GPT-2 small, batch 8x128, blocks only (hidden): dense vs 50% heads + 50% MLP pruned, alternating', run: () => sideBySide('blocks', 3) },
];
