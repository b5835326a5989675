/**
 * McNemar's exact test against hand-derived binomial tails (and scipy.stats.binomtest, printed by
 * /usr/bin/python3: binomtest(6, 7, 0.5).pvalue = 0.125, binomtest(10, 12, 0.5).pvalue = 0.03857421875,
 * binomtest(40, 100, 0.5).pvalue = 0.05688793364098088).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mcnemarExact } from '../../kernel-lib/index.ts';
import { binomialCdfHalf } from '../../kernel-lib/stats/binomial-cdf.ts';

/** Outcome vectors with the given concordant / discordant counts. */
function table(n11: number, n10: number, n01: number, n00: number): { a: number[]; b: number[] } {
  const a: number[] = [], b: number[] = [];
  const add = (x: number, y: number, k: number) => { for (let i = 0; i < k; i++) { a.push(x); b.push(y); } };
  add(1, 1, n11); add(1, 0, n10); add(0, 1, n01); add(0, 0, n00);
  return { a, b };
}

test('6 vs 1 discordant: p = 2 (1 + 7) / 2^7 = 0.125', () => {
  const { a, b } = table(20, 6, 1, 13);
  const r = mcnemarExact(a, b);
  assert.deepEqual([r.n10, r.n01], [6, 1]);
  assert.ok(Math.abs(r.p - 0.125) < 1e-15);
});

test('10 vs 2 discordant: p = 2 (1 + 12 + 66) / 4096 = 0.03857421875', () => {
  const { a, b } = table(3, 2, 10, 5);   // A wrong / B right 10 times
  const r = mcnemarExact(a, b);
  assert.ok(Math.abs(r.p - 158 / 4096) < 1e-15);
});

test('60 vs 40 discordant matches scipy binomtest; no discordant documents give p = 1', () => {
  const { a, b } = table(100, 60, 40, 100);
  assert.ok(Math.abs(mcnemarExact(a, b).p - 0.05688793364098088) < 1e-12);
  assert.equal(mcnemarExact([1, 0, 1], [1, 0, 1]).p, 1);
  assert.equal(binomialCdfHalf(-1, 5), 0);
  assert.equal(binomialCdfHalf(5, 5), 1);
});

test('bad input names what is wrong', () => {
  assert.throws(() => mcnemarExact([1, 0], [1]), /2 outcomes for A but 1 for B/);
  assert.throws(() => mcnemarExact([1, 0.5], [1, 1]), /document 1 has outcomes \(0.5, 1\)/);
});
