/**
 * The document-level bootstrap against hand-worked cases small enough to enumerate every resample.
 * Three documents (ids 7, 3, 9, their blocks interleaved as a round-robin draw gives them):
 *   doc 7: blocks (nll 2, 2 tokens) + (4, 2)  -> nll 6 over 4 tokens
 *   doc 3: block  (2, 2)                       -> nll 2 over 2 tokens
 *   doc 9: blocks (5, 2) + (7, 2)             -> nll 12 over 4 tokens
 * Observed L = 20 / 10 = 2. A resample draws 3 documents with replacement: 27 equally likely ordered
 * draws; with counts (c7, c3, c9) it has probability 3! / (c7! c3! c9!) / 27 and
 * L* = (6 c7 + 2 c3 + 12 c9) / (4 c7 + 2 c3 + 4 c9). By hand:
 *   (0,3,0) 1/27 L=1     (1,2,0) 3/27 L=1.25   (2,1,0) 3/27 L=1.4   (3,0,0) 1/27 L=1.5
 *   (1,1,1) 6/27 L=2     (2,0,1) 3/27 L=2      (0,2,1) 3/27 L=2     (1,0,2) 3/27 L=2.5
 *   (0,1,2) 3/27 L=2.6   (0,0,3) 1/27 L=3
 * cumulative: 1 -> 1/27, 1.25 -> 4/27, 1.4 -> 7/27, 1.5 -> 8/27, 2 -> 20/27, 2.5 -> 23/27, 2.6 -> 26/27, 3 -> 1.
 * E[L*] = 52.75 / 27, E[L*^2] = 109.8475 / 27, so sd(L*) = sqrt(109.8475/27 - (52.75/27)^2) = 0.501466.
 * Percentile intervals: 95% -> [1, 3] (1/27 = 0.037 > 0.025 at each end); 50% -> [1.4, 2.5]
 * (the 25% point falls in the 1.4 atom, 7/27 = 0.259; the 75% point in the 2.5 atom, 20/27 = 0.741 < 0.75 <= 23/27).
 * The bootstrap's replicates (B = 100,000) must match this exact distribution up to Monte Carlo error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BlockLoss } from '../../kernel-lib/index.ts';
import { documentLosses, documentPerplexity, hasDocuments, pairedDocumentPerplexity } from '../../kernel-lib/stats/document-bootstrap.ts';

const A: BlockLoss[] = [
  { nll: 2, tokens: 2, doc: 7 }, { nll: 2, tokens: 2, doc: 3 }, { nll: 5, tokens: 2, doc: 9 },
  { nll: 4, tokens: 2, doc: 7 }, { nll: 7, tokens: 2, doc: 9 },
];
const B_ITERS = 100_000;
const close = (x: number, y: number, tol: number, what: string) => assert.ok(Math.abs(x - y) <= tol, `${what}: ${x} vs ${y} (tolerance ${tol})`);

/** Every ordered draw of 3 of the 3 documents, as an independent check of the hand table above. */
function enumerate(value: (counts: readonly number[]) => number): { v: number; p: number }[] {
  const out: { v: number; p: number }[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) {
    const c = [0, 0, 0]; c[i]!++; c[j]!++; c[k]!++;
    out.push({ v: value(c), p: 1 / 27 });
  }
  return out;
}

test('blocks are summed per document in order of first appearance', () => {
  assert.deepEqual(documentLosses(A), [{ doc: 7, nll: 6, tokens: 4, blocks: 2 }, { doc: 3, nll: 2, tokens: 2, blocks: 1 }, { doc: 9, nll: 12, tokens: 4, blocks: 2 }]);
  assert.equal(hasDocuments(A), true);
  assert.equal(hasDocuments([{ nll: 1, tokens: 1 }, { nll: 1, tokens: 1, doc: 0 }]), false);
  assert.throws(() => documentLosses([{ nll: 1, tokens: 1 }]), /block 0 has no document index/);
});

test('one model: the bootstrap distribution of L* matches the 27 enumerated resamples of 3 documents', () => {
  const exact = enumerate((c) => (6 * c[0]! + 2 * c[1]! + 12 * c[2]!) / (4 * c[0]! + 2 * c[1]! + 4 * c[2]!));
  const mean = exact.reduce((s, x) => s + x.p * x.v, 0), sq = exact.reduce((s, x) => s + x.p * x.v * x.v, 0);
  close(mean, 52.75 / 27, 1e-12, 'enumerated E[L*] vs the hand table');
  close(sq, 109.8475 / 27, 1e-12, 'enumerated E[L*^2] vs the hand table');
  const sd = Math.sqrt(109.8475 / 27 - (52.75 / 27) ** 2);
  close(sd, 0.501466, 1e-6, 'hand sd');

  const r = documentPerplexity(A, { iters: B_ITERS });
  close(r.meanNll, 2, 1e-15, 'L'); close(r.perplexity, Math.exp(2), 1e-12, 'perplexity');
  assert.equal(r.documents, 3); assert.equal(r.blocks, 5); assert.equal(r.tokens, 10);
  // sd of 100,000 replicates: relative Monte Carlo error about 1/sqrt(2B) = 0.002
  close(r.stderrNll, sd, 0.005, 'se(L) vs the exact sd of L*');
  close(r.stderr, Math.exp(2) * r.stderrNll, 1e-12, 'stderr = ppl x se(L)');
  close(r.ciLow, Math.exp(1), 1e-12, '95% low = e^1'); close(r.ciHigh, Math.exp(3), 1e-12, '95% high = e^3');
  const half = documentPerplexity(A, { iters: B_ITERS, alpha: 0.5 });
  close(half.ciLow, Math.exp(1.4), 1e-12, '50% low = e^1.4'); close(half.ciHigh, Math.exp(2.5), 1e-12, '50% high = e^2.5');
});

/*
 * Paired: model B on the same blocks with document sums (doc 7: 2, doc 3: 4, doc 9: 10), so the per-document
 * differences e = A - B are (4, -2, 2) and d* = (4 c7 - 2 c3 + 2 c9) / (4 c7 + 2 c3 + 4 c9). By hand:
 *   (0,3,0) 1/27 d=-1    (0,2,1) 3/27 d=-0.25   (1,2,0) 3/27 d=0     (0,1,2) 3/27 d=0.2    (1,1,1) 6/27 d=0.4
 *   (0,0,3) 1/27 d=0.5   (2,1,0) 3/27 d=0.6     (1,0,2) 3/27 d=2/3   (2,0,1) 3/27 d=5/6    (3,0,0) 1/27 d=1
 * Observed d = 4 / 10 = 0.4. P(d* <= 0) = 7/27, P(d* >= 0) = 23/27, so p = 2 x 7/27 = 14/27 = 0.5185
 * (+1 corrections of order 1/B). 95% interval of d*: [-1, 1] (1/27 at each end); 50%: [0, 2/3]
 * (7/27 = 0.259 > 0.25 reached in the 0 atom; 20/27 = 0.741 < 0.75 <= 23/27 in the 2/3 atom).
 */
const Bm: BlockLoss[] = [
  { nll: 1, tokens: 2, doc: 7 }, { nll: 4, tokens: 2, doc: 3 }, { nll: 4, tokens: 2, doc: 9 },
  { nll: 1, tokens: 2, doc: 7 }, { nll: 6, tokens: 2, doc: 9 },
];

test('paired: the same documents for both models; ratio, interval and p match the enumerated distribution of d*', () => {
  const exact = enumerate((c) => (4 * c[0]! - 2 * c[1]! + 2 * c[2]!) / (4 * c[0]! + 2 * c[1]! + 4 * c[2]!));
  const pLe = exact.filter((x) => x.v <= 1e-12).reduce((s, x) => s + x.p, 0), pGe = exact.filter((x) => x.v >= -1e-12).reduce((s, x) => s + x.p, 0);
  close(pLe, 7 / 27, 1e-12, 'enumerated P(d* <= 0)'); close(pGe, 23 / 27, 1e-12, 'enumerated P(d* >= 0)');
  const mean = exact.reduce((s, x) => s + x.p * x.v, 0), sd = Math.sqrt(exact.reduce((s, x) => s + x.p * (x.v - mean) ** 2, 0));

  const r = pairedDocumentPerplexity(A, Bm, { iters: B_ITERS });
  close(r.logRatio, 0.4, 1e-15, 'd'); close(r.ratio, Math.exp(0.4), 1e-12, 'ratio');
  close(r.p, 14 / 27, 0.01, 'p vs 2 x 7/27');
  assert.equal(r.significant, false);
  close(r.stderrLogRatio, sd, 0.005, 'se(d) vs the exact sd of d*');
  close(r.ciLow, Math.exp(-1), 1e-12, '95% low = e^-1'); close(r.ciHigh, Math.exp(1), 1e-12, '95% high = e^1');
  const half = pairedDocumentPerplexity(A, Bm, { iters: B_ITERS, alpha: 0.5 });
  close(half.ciLow, 1, 1e-12, '50% low = e^0'); close(half.ciHigh, Math.exp(2 / 3), 1e-12, '50% high = e^(2/3)');
  assert.equal(r.documents, 3); assert.equal(r.blocks, 5);
});

test('paired: every document worse for A -> no replicate reaches 0, p = 2 / (B + 1)', () => {
  const worse = A.map((b) => ({ ...b, nll: b.nll + 1 }));   // A' = A + 1 nat per block: d* > 0 in every resample
  const r = pairedDocumentPerplexity(worse, A, { iters: 1000 });
  assert.equal(r.p, 2 / 1001);
  assert.equal(r.significant, true);
});

test('bad input names the block and what was expected', () => {
  assert.throws(() => documentPerplexity([{ nll: 1, tokens: 1, doc: 0 }, { nll: 1, tokens: 1, doc: 0 }]), /at least 2 documents for a bootstrap over documents, got 1/);
  assert.throws(() => pairedDocumentPerplexity(A, [...Bm.slice(0, 4), { ...Bm[4]!, doc: 3 }]), /block 4 is document 9 with 2 tokens for A but document 3/);
  assert.throws(() => pairedDocumentPerplexity(A, Bm.slice(1)), /5 blocks for A but 4 for B/);
});
