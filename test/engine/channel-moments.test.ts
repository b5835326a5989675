/** Chan's pairwise merge of per-batch moments against values worked out by hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { channelVariance, emptyMoments, mergeMoments } from '../../kernel-lib/engine/channel-moments.ts';

test('two batches merge to the moments of all tokens (hand-derived)', () => {
  // channel 0 sees 1, 2 | 3, 4, 5: mean 3, squared deviations 4+1+0+1+4 = 10, variance 2,
  // sum of squares 55, |x| sum 15. channel 1 sees -1, 1 | 0, 0, 0: mean 0, m2 2, variance 0.4.
  const b1 = { count: 2, mean: [1.5, 0], m2: [0.5, 2], sqNorm: [5, 2], absSum: [3, 2] };
  const b2 = { count: 3, mean: [4, 0], m2: [2, 0], sqNorm: [50, 0], absSum: [12, 0] };
  const m = mergeMoments(mergeMoments(emptyMoments(2), b1), b2);
  assert.equal(m.count, 5);
  assert.deepEqual([...m.mean], [3, 0]);
  assert.deepEqual([...m.m2], [10, 2]);
  assert.deepEqual([...channelVariance(m)], [2, 0.4]);
  assert.deepEqual([...m.sqNorm], [55, 2]);
  assert.deepEqual([...m.absSum], [15, 2]);
});

test('a large offset keeps the variance exact in float64 (no sum-of-squares cancellation)', () => {
  // 1e8 + {0, 1} in two batches of one token: variance 0.25
  const m = mergeMoments(mergeMoments(emptyMoments(1), { count: 1, mean: [1e8], m2: [0], sqNorm: [1e16], absSum: [1e8] }),
    { count: 1, mean: [1e8 + 1], m2: [0], sqNorm: [(1e8 + 1) ** 2], absSum: [1e8 + 1] });
  assert.equal(channelVariance(m)[0], 0.25);
});

test('a batch of another width is refused, naming the moment', () => {
  assert.throws(() => mergeMoments(emptyMoments(2), { count: 1, mean: [0], m2: [0, 0], sqNorm: [0, 0], absSum: [0, 0] }), /batch mean has 1 channels, expected 2/);
});
