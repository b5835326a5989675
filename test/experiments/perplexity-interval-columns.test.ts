/**
 * The prune studies' interval columns and paired ratios against values worked out by hand from
 * three hand-written blocks (python's statistics.NormalDist for z and Phi).
 *   A: (nll, tokens) = (6, 2), (4, 2), (8, 2): L = 18 / 6 = 3, tbar = 2, residuals (nll - L t) / tbar = 0, -1, 1,
 *      se(L)^2 = (0 + 1 + 1) / (3 * 2) = 1/3, se = 0.577350; z = 1.959964;
 *      CI exp(3 -/+ 1.131585) = 6.478016 .. 62.276599; stderr = e^3 se = 20.085537 * 0.577350 = 11.596390.
 *   B: (5, 2), (4, 2), (6, 2): L = 2.5, residuals 0, -0.5, 0.5; A - B residuals 0, -0.5, 0.5,
 *      se(d)^2 = 0.5 / 6 = 1/12, se = 0.288675; ratio e^0.5 = 1.648721, CI exp(0.5 -/+ 0.565792) = 0.936325 .. 2.903140,
 *      z = 0.5 / 0.288675 = 1.732051, p = 2 (1 - Phi(1.732051)) = 0.083265.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intervalColumns } from '../../kernel-lib/experiments/perplexity-interval-columns.ts';
import { perplexityPairsTable } from '../../kernel-lib/experiments/perplexity-pairs-table.ts';
import { pooledPerplexity } from '../../kernel-lib/index.ts';

const A = [{ nll: 6, tokens: 2 }, { nll: 4, tokens: 2 }, { nll: 8, tokens: 2 }];
const B = [{ nll: 5, tokens: 2 }, { nll: 4, tokens: 2 }, { nll: 6, tokens: 2 }];
const close = (x: unknown, y: number, what: string) => assert.ok(Math.abs((x as number) - y) < 1e-5 * Math.max(1, Math.abs(y)), `${what}: ${x} vs ${y}`);

test('interval columns of three hand-written blocks', () => {
  const ppl = pooledPerplexity(A);
  close(ppl, Math.exp(3), 'pooled perplexity');
  const c = intervalColumns(A, 'ppl_x', ppl);
  close(c.ppl_x_ci_low, 6.478016, 'ci low');
  close(c.ppl_x_ci_high, 62.276599, 'ci high');
  close(c.ppl_x_stderr, 11.596390, 'stderr');
  assert.deepEqual([c.eval_tokens, c.eval_blocks, c.eval_documents], [6, 3, null], 'blocks without documents: the delta method over blocks');
  const none = intervalColumns(undefined, 'ppl_x', ppl);
  assert.deepEqual(Object.keys(none).sort(), Object.keys(c).sort(), 'missing losses: the same columns');
  assert.ok(Object.values(none).every((v) => v === null));
});

test('paired ratio of two hand-written models on the same blocks', () => {
  const [r] = perplexityPairsTable([{ label: 'A / B', a: A, b: B }]).objects() as Record<string, unknown>[];
  close(r!.ratio, 1.648721, 'ratio');
  close(r!.ratio_ci_low, 0.936325, 'ratio ci low');
  close(r!.ratio_ci_high, 2.903140, 'ratio ci high');
  close(r!.ratio_p, 0.083265, 'p');
  assert.equal(r!.ratio_significant, 'no');
  assert.deepEqual([r!.tokens, r!.blocks, r!.documents], [6, 3, null]);
});

/*
 * Blocks that carry their documents switch to the bootstrap over documents. The three documents of
 * test/stats/document-bootstrap.test.ts (worked by hand there): doc 7 = nll 6 over 4 tokens, doc 3 = 2 over 2,
 * doc 9 = 12 over 4; L = 2; the resampled L* has 1/27 of its mass at 1 and at 3, so the 95% interval is
 * [e^1, e^3]. Model B (doc sums 2, 4, 10): d* has 1/27 at -1 and at 1, p = 2 x 7/27 = 0.5185.
 */
const AD = [{ nll: 2, tokens: 2, doc: 7 }, { nll: 2, tokens: 2, doc: 3 }, { nll: 5, tokens: 2, doc: 9 }, { nll: 4, tokens: 2, doc: 7 }, { nll: 7, tokens: 2, doc: 9 }];
const BD = [{ nll: 1, tokens: 2, doc: 7 }, { nll: 4, tokens: 2, doc: 3 }, { nll: 4, tokens: 2, doc: 9 }, { nll: 1, tokens: 2, doc: 7 }, { nll: 6, tokens: 2, doc: 9 }];

test('blocks with documents: interval columns and paired ratio over documents', () => {
  const c = intervalColumns(AD, 'ppl_x', Math.exp(2));
  close(c.ppl_x_ci_low, Math.exp(1), 'ci low = e^1');
  close(c.ppl_x_ci_high, Math.exp(3), 'ci high = e^3');
  assert.deepEqual([c.eval_tokens, c.eval_blocks, c.eval_documents], [10, 5, 3]);
  const [r] = perplexityPairsTable([{ label: 'A / B', a: AD, b: BD }]).objects() as Record<string, unknown>[];
  close(r!.ratio, Math.exp(0.4), 'ratio');
  close(r!.ratio_ci_low, Math.exp(-1), 'ratio ci low');
  close(r!.ratio_ci_high, Math.exp(1), 'ratio ci high');
  assert.ok(Math.abs((r!.ratio_p as number) - 14 / 27) < 0.03, `p ${r!.ratio_p} vs 14/27 (10,000 replicates)`);
  assert.deepEqual([r!.tokens, r!.blocks, r!.documents], [10, 5, 3]);
});
