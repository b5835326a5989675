/**
 * Per-block held-out losses: summed over blocks they give exactly the batched heldOutPerplexity
 * (same objective, batch 8 vs one block at a time), block tokens are the masked targets, and the
 * interval columns of the prune studies contain the perplexity they are centred on.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../kernel-lib/runtime/backend.ts';
import { heldOutBlockLosses } from '../../kernel-lib/prune/study/held-out-block-losses.ts';
import { heldOutPerplexity } from '../../kernel-lib/prune/study/held-out-perplexity.ts';
import { perplexityIntervalColumns } from '../../kernel-lib/prune/study/perplexity-interval-columns.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';
import { disposeModel } from '../../kernel-lib/model/dispose-model.ts';
import type { Block } from '../../kernel-lib/data/packing.ts';
import { tinyGpt2 } from './tiny-gpt2.ts';

before(async () => { await initBackend({ quiet: true }); });

function blocks(n: number, T: number): Block[] {
  const rng = createRng(3);
  return Array.from({ length: n }, (_, b) => {
    const mask = new Uint8Array(T + 1).fill(1);
    if (b % 3 === 0) mask.fill(0, 0, 5);   // some blocks score fewer targets
    return { ids: Int32Array.from({ length: T + 1 }, () => rng.int(50)), mask };
  });
}

test('per-block NLL sums to the batched held-out perplexity; intervals contain it', async () => {
  const model = tinyGpt2(2);
  const bs = blocks(10, 12);
  const n0 = tf.memory().numTensors;
  const per = await heldOutBlockLosses(model, bs);
  assert.equal(tf.memory().numTensors, n0, 'no tensor leak');
  const ppl = await heldOutPerplexity(model, bs, 8);
  const tokens = per.reduce((a, b) => a + b.tokens, 0);
  const pooled = Math.exp(per.reduce((a, b) => a + b.nll, 0) / tokens);
  assert.ok(Math.abs(pooled / ppl - 1) < 1e-5, `per-block ${pooled} vs batched ${ppl}`);
  assert.ok(per.some((b) => b.tokens < per[1]!.tokens), 'masked blocks count fewer tokens');
  const cols = await perplexityIntervalColumns(model, bs, 'ppl', ppl);
  assert.ok(cols.ppl_ci_low! < ppl && ppl < cols.ppl_ci_high!);
  assert.deepEqual([cols.eval_tokens, cols.eval_blocks], [tokens, 10]);
  disposeModel(model);
});
