/**
 * The standard error of an accuracy, derived by hand from lm-eval's definition (acceptance 1):
 * acc_stderr = sample_stddev(xs) / sqrt(n), sample_stddev with n - 1 (Bessel).
 * 3 of 8 correct: p = 3/8; sum (x - p)^2 = 3 (5/8)^2 + 5 (3/8)^2 = (75 + 45) / 64 = 15/8;
 * variance = (15/8) / 7 = 15/56; stderr = sqrt((15/56) / 8) = sqrt(15/448) = 0.18298126...
 * which is also sqrt(p (1 - p) / (n - 1)) = sqrt((15/64) / 7).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateMetric } from '../../kernel-lib/eval/aggregate.ts';
import { independentMeanStderr } from '../../kernel-lib/stats/independent-mean-stderr.ts';

test('acc_stderr of 3 correct out of 8 equals sqrt(15/448), derived by hand', () => {
  const r = aggregateMetric('acc', [1, 0, 0, 1, 0, 0, 1, 0], 0);
  assert.equal(r.value, 3 / 8);
  assert.ok(Math.abs((r.stderr as number) - Math.sqrt(15 / 448)) < 1e-15, `got ${r.stderr}`);
  assert.ok(Math.abs(Math.sqrt(15 / 448) - 0.18298126367) < 1e-10);
});

test('stderr of an unweighted mean of independent estimates: sqrt(sum se^2) / k', () => {
  // se 0.03 and 0.04 -> sqrt(0.0009 + 0.0016) / 2 = 0.05 / 2 = 0.025
  assert.ok(Math.abs(independentMeanStderr([0.03, 0.04]) - 0.025) < 1e-15);
  assert.throws(() => independentMeanStderr([]), /no stderrs/);
  assert.throws(() => independentMeanStderr([0.1, NaN]), />= 0/);
});
