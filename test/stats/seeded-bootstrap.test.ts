/**
 * The two-level bootstrap over documents and training seeds (stats/seeded-bootstrap.ts) against cases
 * small enough to enumerate every resample, and its reduction to the paired bootstrap with one seed.
 *
 * Case 1 (unpaired): one stratum of 2 documents; arm A has 2 seeds, A0 = [1, 0], A1 = [1, 1]; arm B is
 * untrained (one run), B0 = [0, 0]; statistic = mean. Observed delta = mean(0.5, 1) - 0 = 0.75. A replicate
 * draws 2 document indices (4 equally likely ordered draws) and 2 seed indices for A (4 equally likely);
 * B has no seed to draw. Its value is mean(A_s1(docs), A_s2(docs)) - 0 with A0(docs) = share of drawn
 * documents that are document 0 and A1(docs) = 1. By hand: the value is <= 0 only when both seed draws
 * are seed 0 AND both documents are document 1: probability 1/4 x 1/4 = 1/16, so p -> 2/16 = 0.125.
 * The mean and sd of the replicates are enumerated below by brute force over the 16 joint draws.
 *
 * Case 2 (paired seeds): A = [[1, 0], [1, 1]], B = [[0, 0], [1, 0]] as per-seed chains from seeds 0, 1.
 * Paired: one seed draw for both, value = mean over drawn s of (A_s - B_s)(docs); A0 - B0 = A0(docs),
 * A1 - B1 = 1 - B1(docs) = share of drawn documents that are document 1. Enumerated likewise; unpaired
 * draws the seeds of B independently (64 joint draws) and must have a larger spread here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairedBootstrap } from '../../kernel-lib/index.ts';
import { seededBootstrap, seededPairedBootstrap } from '../../kernel-lib/stats/seeded-bootstrap.ts';

const meanStat = (per: readonly (readonly number[])[]): number => per[0]!.reduce((a, v) => a + v, 0) / per[0]!.length;
const close = (x: number, y: number, tol: number, what: string) => assert.ok(Math.abs(x - y) <= tol, `${what}: ${x} vs ${y} (tolerance ${tol})`);
const ITERS = 100_000;

/** Exact mean, sd and tail probabilities of a finite, equally likely list of replicate values. */
function exact(values: readonly number[]): { mean: number; sd: number; le0: number; ge0: number } {
  const m = values.reduce((a, v) => a + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / values.length);
  return { mean: m, sd, le0: values.filter((v) => v <= 1e-12).length / values.length, ge0: values.filter((v) => v >= -1e-12).length / values.length };
}

const pairs2 = [[0, 0], [0, 1], [1, 0], [1, 1]] as const;   // ordered draws of 2 out of {0, 1}
const at = (xs: readonly number[], docs: readonly number[]) => docs.reduce((a, i) => a + xs[i]!, 0) / docs.length;

test('unpaired: a two-seed arm vs an untrained arm matches the enumerated distribution (delta 0.75, p 0.125)', () => {
  const A = [[[1, 0]], [[1, 1]]], B = [[[0, 0]]];
  const values: number[] = [];
  for (const docs of pairs2) for (const seeds of pairs2) values.push((at(A[seeds[0]]![0]!, docs) + at(A[seeds[1]]![0]!, docs)) / 2 - at(B[0]![0]!, docs));
  const e = exact(values);
  assert.equal(e.le0, 1 / 16, 'by hand: both seeds 0 and both documents 1');
  const r = seededPairedBootstrap(A, B, meanStat, { iters: ITERS, seed: 11 });
  assert.equal(r.delta, 0.75);
  assert.equal(r.seedsA, 2);
  assert.equal(r.seedsB, 1);
  close(r.stderr, e.sd, 0.004, 'stderr');
  close(r.p, 2 * Math.min(e.le0, e.ge0), 0.006, 'p');
  close(r.ciLow, 0, 1e-12, 'CI low: the 2.5% point is in the 0 atom (1/16 = 0.0625 > 0.025)');
  close(r.ciHigh, 1, 1e-12, 'CI high: the value 1 has probability >= 0.025');
});

test('paired seeds: the same seed draws for both arms, matching the enumeration, narrower than unpaired here', () => {
  const A = [[[1, 0]], [[1, 1]]], B = [[[0, 0]], [[1, 0]]];
  const paired: number[] = [], unpaired: number[] = [];
  for (const docs of pairs2) for (const sa of pairs2) {
    const a = (at(A[sa[0]]![0]!, docs) + at(A[sa[1]]![0]!, docs)) / 2;
    paired.push(a - (at(B[sa[0]]![0]!, docs) + at(B[sa[1]]![0]!, docs)) / 2);
    for (const sb of pairs2) unpaired.push(a - (at(B[sb[0]]![0]!, docs) + at(B[sb[1]]![0]!, docs)) / 2);
  }
  const ep = exact(paired), eu = exact(unpaired);
  assert.ok(ep.sd < eu.sd, `pairing narrows this case: ${ep.sd} vs ${eu.sd}`);
  const rp = seededPairedBootstrap(A, B, meanStat, { iters: ITERS, seed: 5 }, { pairSeeds: true });
  const ru = seededPairedBootstrap(A, B, meanStat, { iters: ITERS, seed: 5 }, { pairSeeds: false });
  assert.equal(rp.delta, (0.5 + 1) / 2 - (0 + 0.5) / 2);
  assert.equal(ru.delta, rp.delta);
  close(rp.stderr, ep.sd, 0.004, 'paired stderr');
  close(ru.stderr, eu.sd, 0.004, 'unpaired stderr');
  close(rp.p, Math.min(1, 2 * Math.min(ep.le0, ep.ge0)), 0.006, 'paired p');
  close(ru.p, Math.min(1, 2 * Math.min(eu.le0, eu.ge0)), 0.006, 'unpaired p');
});

test('one seed per arm: exactly the paired bootstrap (same replicates, same numbers), over two strata', () => {
  let s = 7;
  const bit = () => { s = (s * 1103515245 + 12345) % 2147483648; return s % 3 === 0 ? 1 : 0; };
  const a1 = Array.from({ length: 37 }, bit), b1 = Array.from({ length: 37 }, bit), a2 = Array.from({ length: 11 }, bit), b2 = Array.from({ length: 11 }, bit);
  const stat = (per: readonly (readonly number[])[]) => 0.3 * meanStat([per[0]!]) + 0.7 * meanStat([per[1]!]);
  for (const config of [{}, { iters: 2000, seed: 3, alpha: 0.1 }]) {
    const ref = pairedBootstrap([{ a: a1, b: b1 }, { a: a2, b: b2 }], stat, config);
    const r = seededPairedBootstrap([[a1, a2]], [[b1, b2]], stat, config);
    const { seedsA, seedsB, pairedSeeds, ...rest } = r;
    assert.deepEqual(rest, ref);
    assert.deepEqual([seedsA, seedsB, pairedSeeds], [1, 1, false]);
    assert.deepEqual(seededPairedBootstrap([[a1, a2]], [[b1, b2]], stat, config, { pairSeeds: true }).stderr, ref.stderr);
  }
});

test('one arm: the value is the mean over seeds, the SD across seeds is theirs; one seed gives the paired bootstrap against zero', () => {
  const a = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1], zero = a.map(() => 0);
  const one = seededBootstrap([[a]], meanStat, { iters: 3000, seed: 9 });
  const ref = pairedBootstrap([{ a, b: zero }], meanStat, { iters: 3000, seed: 9 });
  assert.equal(one.value, 0.6);
  assert.equal(one.stderr, ref.stderr);
  assert.deepEqual([one.ciLow, one.ciHigh], [ref.ciLow, ref.ciHigh]);
  assert.equal(one.seedSd, null);
  const three = seededBootstrap([[a], [a.map((v) => 1 - v)], [a.map(() => 1)]], meanStat, { iters: 3000, seed: 9 });
  close(three.value, (0.6 + 0.4 + 1) / 3, 1e-12, 'mean over seeds');
  close(three.seedSd!, Math.sqrt(((0.6 - 2 / 3) ** 2 + (0.4 - 2 / 3) ** 2 + (1 - 2 / 3) ** 2) / 2), 1e-12, 'SD across seeds');
  assert.ok(three.stderr > one.stderr, 'the seed spread widens the interval');
});

test('runs on other documents, or paired arms with unequal seed counts, are refused', () => {
  assert.throws(() => seededPairedBootstrap([[[1, 0]], [[1, 0, 1]]], [[[0, 0]]], meanStat, { iters: 10 }), /same documents/);
  assert.throws(() => seededPairedBootstrap([[[1, 0]], [[1, 1]]], [[[0, 0]]], meanStat, { iters: 10 }, { pairSeeds: true }), /pairSeeds needs as many runs/);
});
