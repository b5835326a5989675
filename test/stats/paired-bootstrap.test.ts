/**
 * The paired bootstrap against independent facts: (1) for a difference of means the bootstrap
 * stderr must approach the analytic paired stderr sd(a_i - b_i) / sqrt(n) (bootstrap uses 1/n, so
 * the two differ by sqrt((n-1)/n), under 1% here, plus Monte Carlo error ~1/sqrt(2B)); (2) with a
 * fixed seed the 95% CI covers the known population difference and excludes 0 when the effect is
 * large; (3) identical models give delta 0, CI [0, 0] and p = 1; (4) pairing removes the shared
 * per-document variation, so the paired stderr is below the unpaired sqrt(se_a^2 + se_b^2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairedBootstrap, mcnemarExact } from '../../kernel-lib/index.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';
import { mean, meanStderr, sampleStddev } from '../../kernel-lib/eval/metrics.ts';

const meanStat = (per: readonly (readonly number[])[]) => mean(per[0]!);

/** n documents; B is right where A is, except it flips a right answer to wrong with prob q. */
function population(n: number, pA: number, q: number, seed: number): { a: number[]; b: number[] } {
  const rng = createRng(seed);
  const a: number[] = [], b: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = rng.next() < pA ? 1 : 0;
    a.push(x); b.push(x === 1 && rng.next() < q ? 0 : x);
  }
  return { a, b };
}

test('bootstrap stderr of a mean difference matches sd(a - b) / sqrt(n)', () => {
  const { a, b } = population(400, 0.6, 0.25, 7);
  const r = pairedBootstrap([{ a, b }], meanStat, { iters: 20000, seed: 1 });
  const d = a.map((x, i) => x - b[i]!);
  const analytic = sampleStddev(d) / Math.sqrt(d.length);
  assert.ok(Math.abs(r.delta - mean(d)) < 1e-15);
  assert.ok(Math.abs(r.stderr / analytic - 1) < 0.03, `bootstrap ${r.stderr} vs analytic ${analytic}`);
  assert.equal(r.n, 400);
});

test('with a fixed seed the 95% CI covers the known difference and the p-value agrees with McNemar', () => {
  // population difference = pA * q = 0.6 * 0.25 = 0.15
  const { a, b } = population(400, 0.6, 0.25, 11);
  const r = pairedBootstrap([{ a, b }], meanStat, { iters: 10000, seed: 3 });
  assert.ok(r.ciLow < 0.15 && 0.15 < r.ciHigh, `CI [${r.ciLow}, ${r.ciHigh}]`);
  assert.ok(r.ciLow > 0 && r.significant && r.p < 0.001);
  assert.ok(mcnemarExact(a, b).p < 0.001);
  const again = pairedBootstrap([{ a, b }], meanStat, { iters: 10000, seed: 3 });
  assert.deepEqual(again, r);
});

test('identical models: delta 0, CI [0, 0], p = 1, not significant', () => {
  const { a } = population(50, 0.5, 0, 2);
  const r = pairedBootstrap([{ a, b: a }], meanStat, { iters: 500 });
  assert.deepEqual([r.delta, r.ciLow, r.ciHigh, r.p, r.significant], [0, 0, 0, 1, false]);
});

test('pairing: the paired stderr is below the unpaired one when outcomes are correlated', () => {
  const { a, b } = population(300, 0.5, 0.1, 5);
  const r = pairedBootstrap([{ a, b }], meanStat, { iters: 5000 });
  const unpaired = Math.hypot(meanStderr(a), meanStderr(b));
  assert.ok(r.stderr < unpaired / 2, `paired ${r.stderr}, unpaired ${unpaired}`);
});

test('strata resample separately: a two-task size-weighted mean', () => {
  const s1 = population(100, 0.7, 0.3, 1), s2 = population(60, 0.4, 0, 2);
  const stat = (per: readonly (readonly number[])[]) => (per[0]!.reduce((x, y) => x + y, 0) + per[1]!.reduce((x, y) => x + y, 0)) / 160;
  const r = pairedBootstrap([s1, s2], stat, { iters: 4000 });
  const d = [...s1.a.map((x, i) => x - s1.b[i]!), ...s2.a.map((x, i) => x - s2.b[i]!)];
  assert.ok(Math.abs(r.delta - mean(d)) < 1e-15);
  // stratified: var = sum_s n_s^2 var_s(d)/n_s / N^2 (stratum 2 has no differences, var 0)
  const d1 = s1.a.map((x, i) => x - s1.b[i]!);
  const analytic = Math.sqrt((100 * sampleStddev(d1) ** 2) / 160 ** 2);
  assert.ok(Math.abs(r.stderr / analytic - 1) < 0.05, `bootstrap ${r.stderr} vs analytic ${analytic}`);
});

test('bad input', () => {
  assert.throws(() => pairedBootstrap([{ a: [1, 0], b: [1] }], meanStat), /stratum 0 has 2 items for A but 1 for B/);
  assert.throws(() => pairedBootstrap([{ a: [1], b: [1] }], meanStat, { iters: 1 }), /iters/);
  assert.throws(() => pairedBootstrap([], meanStat), /no strata/);
});
