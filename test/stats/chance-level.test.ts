/**
 * Chance levels derived by hand (docs/statistics.md): a uniform random guess among k choices.
 * acc: 1/k per document. mcc: 0. f1 with gold share pi and k = 2: E[TP] = n pi / 2,
 * E[FP] = n (1 - pi) / 2, E[FN] = n pi / 2, so F1 = 2TP / (2TP + FP + FN) = pi / (pi + 1/2);
 * pi = 1/4 gives 1/3, pi = 1/2 gives 1/2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chanceLevel } from '../../kernel-lib/index.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';
import { f1Score } from '../../kernel-lib/eval/metrics.ts';

test('acc: mean of 1/k; mcc: 0', () => {
  assert.equal(chanceLevel('acc', [0, 1, 0, 3], [2, 2, 4, 4]), (0.5 + 0.5 + 0.25 + 0.25) / 4);
  assert.equal(chanceLevel('mcc', [0, 1], [2, 2]), 0);
});

test('f1: pi / (pi + 1/2) for two choices, and a simulated random guesser agrees', () => {
  const gold = [1, 0, 0, 0, 1, 0, 0, 0];
  assert.ok(Math.abs(chanceLevel('f1', gold, gold.map(() => 2)) - 1 / 3) < 1e-15);
  assert.equal(chanceLevel('f1', [1, 0], [2, 2]), 0.5);
  const rng = createRng(9), big: [number, number][] = [];
  for (let i = 0; i < 200000; i++) big.push([rng.next() < 0.25 ? 1 : 0, rng.int(2)]);
  assert.ok(Math.abs(f1Score(big) - 1 / 3) < 0.005, `simulated f1 ${f1Score(big)}`);
});

test('bad input', () => {
  assert.throws(() => chanceLevel('bleu', [0], [2]), /no chance-level definition for metric 'bleu'/);
  assert.throws(() => chanceLevel('acc', [0, 1], [2]), /one choice count per document/);
});
