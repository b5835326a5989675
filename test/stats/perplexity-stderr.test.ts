/**
 * Perplexity uncertainty against hand-derived values and an independent bootstrap over blocks
 * (numpy, printed by /usr/bin/python3 with 200000 replicates of 30 blocks, rng default_rng(0);
 * data as built below): se(L) = 0.038970813, paired se(L_B - L_A) = 0.006758231,
 * L_A = 3.0117482942595775, L_B - L_A = 0.05140064975623693. The bootstrap divides by B where the
 * linearised formula divides by B - 1, so they differ by sqrt(30/29) = 1.017 plus Monte Carlo error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairedPerplexity, perplexityEstimate, type BlockLoss } from '../../kernel-lib/index.ts';
import { erfc, twoSidedP, zCritical } from '../../kernel-lib/stats/normal-cdf.ts';

test('two equal blocks with mean NLL 2 and 3: L = 2.5, se(L) = 0.5, ppl = e^2.5', () => {
  // block means 2 and 3: sample sd = sqrt((0.25 + 0.25) / 1) = 0.7071; se = 0.7071 / sqrt(2) = 0.5
  const r = perplexityEstimate([{ nll: 20, tokens: 10 }, { nll: 30, tokens: 10 }]);
  assert.ok(Math.abs(r.meanNll - 2.5) < 1e-15);
  assert.ok(Math.abs(r.stderrNll - 0.5) < 1e-15);
  assert.ok(Math.abs(r.perplexity - Math.exp(2.5)) < 1e-12);
  assert.ok(Math.abs(r.stderr - Math.exp(2.5) * 0.5) < 1e-12);
  assert.ok(Math.abs(r.ciLow - Math.exp(2.5 - 1.959963984540054 * 0.5)) < 1e-6);
  assert.equal(r.tokens, 20);
  assert.equal(r.blocks, 2);
});

function blocks(): { a: BlockLoss[]; b: BlockLoss[] } {
  const a: BlockLoss[] = [], b: BlockLoss[] = [];
  for (let i = 0; i < 30; i++) {
    const t = 50 + ((i * 7) % 20);
    a.push({ nll: t * (3 + 0.3 * Math.sin(i)), tokens: t });
    b.push({ nll: t * (3.05 + 0.3 * Math.sin(i) + 0.05 * Math.cos(3 * i)), tokens: t });
  }
  return { a, b };
}

test('unequal blocks: delta-method se matches a numpy bootstrap over blocks', () => {
  const { a, b } = blocks();
  const r = perplexityEstimate(a);
  assert.ok(Math.abs(r.meanNll - 3.0117482942595775) < 1e-12);
  assert.ok(Math.abs(r.stderrNll / (0.038970813 * Math.sqrt(30 / 29)) - 1) < 0.02, `se ${r.stderrNll}`);
  const p = pairedPerplexity(b, a);
  assert.ok(Math.abs(p.logRatio - 0.05140064975623693) < 1e-12);
  assert.ok(Math.abs(p.stderrLogRatio / (0.006758231 * Math.sqrt(30 / 29)) - 1) < 0.02, `paired se ${p.stderrLogRatio}`);
  assert.ok(p.significant && p.ciLow > 1 && p.ratio > p.ciLow && p.ratio < p.ciHigh);
  // the paired se is far below the unpaired one: the blocks' difficulty is shared
  assert.ok(p.stderrLogRatio < r.stderrNll / 4);
});

test('normal tail equals math.erfc to 1.2e-7 relative; z for alpha 0.05 and 0.01', () => {
  const ref: [number, number][] = [[0.1, 0.8875370839817152], [0.5, 0.4795001221869535], [1, 0.15729920705028513],
    [1.96, 0.005573724535172132], [2.5, 0.0004069520174449589], [3.3, 3.0577097964381654e-06]];
  for (const [x, v] of ref) assert.ok(Math.abs(erfc(x) / v - 1) < 1.2e-7, `erfc(${x}) = ${erfc(x)}, expected ${v}`);
  assert.ok(Math.abs(erfc(-1) - (2 - 0.15729920705028513)) < 1e-7);
  assert.ok(Math.abs(zCritical(0.05) - 1.959963984540054) < 1e-5);
  assert.ok(Math.abs(zCritical(0.01) - 2.5758293035489004) < 1e-5);
  assert.ok(Math.abs(twoSidedP(1.959963984540054) - 0.05) < 1e-7);
});

test('bad input names the block', () => {
  assert.throws(() => perplexityEstimate([{ nll: 1, tokens: 1 }]), /at least 2 blocks/);
  assert.throws(() => perplexityEstimate([{ nll: 1, tokens: 1 }, { nll: NaN, tokens: 3 }]), /block 1 has nll NaN over 3 tokens/);
  assert.throws(() => pairedPerplexity([{ nll: 1, tokens: 1 }, { nll: 1, tokens: 2 }], [{ nll: 1, tokens: 1 }, { nll: 1, tokens: 3 }]), /block 1 has 2 tokens for A but 3 for B/);
});
