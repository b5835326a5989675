/**
 * The library's one perplexity: per-block held-out losses of a tiny random GPT-2 equal, block by
 * block, a float64 reference forward (test/helpers/gpt2-reference.ts: the masked next-token
 * cross-entropy written out in plain loops); masked targets are not counted; pooledPerplexity is
 * exp(sum nll / sum tokens) of them; no tensor is leaked. The interval columns the studies print
 * around that perplexity contain it and count the same tokens and blocks.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, heldOutBlockLosses, pooledPerplexity, type Block } from '../../kernel-lib/index.ts';
import { perplexityIntervalColumns } from '../../kernel-lib/experiments/perplexity-interval-columns.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';
import { tinyModel, disposeModel } from '../helpers/tiny-gpt2.ts';
import { referenceLoss } from '../helpers/gpt2-reference.ts';

before(async () => { await initBackend({ quiet: true }); });

const SPEC = { V: 50, P: 16, C: 16, L: 2, H: 4 };
const T = 12;

/** n blocks of T + 1 random ids; every third block leaves its first 4 targets out (mask [T], 0). */
function blocks(n: number): Block[] {
  const rng = createRng(3);
  return Array.from({ length: n }, (_, b) => {
    const mask = new Uint8Array(T).fill(1);
    if (b % 3 === 0) mask.fill(0, 0, 4);
    return { ids: Int32Array.from({ length: T + 1 }, () => rng.int(SPEC.V)), mask };
  });
}

test('per-block NLL = a float64 reference forward per block; the pooled perplexity and its interval', async () => {
  const { model, ref } = tinyModel(SPEC, 11);
  const bs = blocks(7);
  const n0 = tf.memory().numTensors;
  const per = await heldOutBlockLosses(model, bs);
  assert.equal(tf.memory().numTensors, n0, 'no tensor leak');
  assert.equal(per.length, 7);
  let nll = 0, tokens = 0;
  for (const [i, b] of bs.entries()) {
    const ids = [...b.ids.subarray(0, T)], targets = [...b.ids.subarray(1)], mask = [...b.mask];
    const want = referenceLoss(ref, ids, targets, mask, 1, T, { L: SPEC.L, H: SPEC.H, eps: 1e-5 });
    const n = mask.reduce((a, m) => a + m, 0);
    assert.equal(per[i]!.tokens, n, `block ${i}: ${n} scored targets`);
    assert.ok(Math.abs(per[i]!.nll / n - want) < 1e-4, `block ${i}: mean NLL ${per[i]!.nll / n} vs reference ${want}`);
    nll += want * n; tokens += n;
  }
  assert.equal(tokens, 7 * T - 3 * 4);
  const ppl = pooledPerplexity(per);
  assert.ok(Math.abs(ppl / Math.exp(nll / tokens) - 1) < 1e-4, `pooled ${ppl} vs reference ${Math.exp(nll / tokens)}`);
  const cols = await perplexityIntervalColumns(model, bs, 'ppl', ppl);
  assert.ok(cols.ppl_ci_low! < ppl && ppl < cols.ppl_ci_high!);
  assert.deepEqual([cols.eval_tokens, cols.eval_blocks], [tokens, 7]);
  const tagged = await heldOutBlockLosses(model, bs.map((b, i) => ({ ...b, doc: i % 3 })));
  assert.deepEqual(tagged.map((x) => x.doc), [0, 1, 2, 0, 1, 2, 0], 'a block\'s document is passed on');
  assert.deepEqual(tagged.map((x) => x.nll), per.map((x) => x.nll));
  assert.equal(per[0]!.doc, undefined);
  assert.throws(() => pooledPerplexity([]), /no target tokens/);
  disposeModel(model);
});
