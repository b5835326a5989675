/**
 * Metrics against independent values: hand-made confusion matrices (worked below), Python's own
 * `random` module for the MT19937 stream and the bootstrap (values printed by /usr/bin/python3:
 *   random.Random(0).getrandbits(32) x3; Random(0).random() x3; Random(5).random() x2;
 *   Random(2**40+7).random() x2; Random(3).choices(list(range(10)), k=12);
 *   lm-eval's bootstrap procedure (chunks of 1000, rnd.seed(i), rnd.choices(xs, k=len(xs)),
 *   sample stddev) with iters=3000 over ITEMS with plain-Python f1 / mcc).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pythonRandom } from '../../kernel-lib/eval/python-random.ts';
import { bootstrapStderr, f1Score, matthewsCorrcoef, meanStderr, pooledStderr, type GoldPred } from '../../kernel-lib/eval/metrics.ts';
import { aggregateGroup, aggregateMetric, type LeafResult } from '../../kernel-lib/eval/aggregate.ts';
import { argmaxFirst, scoreMultipleChoice } from '../../kernel-lib/eval/score-docs.ts';

// (gold, pred): TP 5, FN 2, TN 5, FP 2
const ITEMS: GoldPred[] = [[1, 1], [1, 0], [0, 0], [0, 1], [1, 1], [0, 0], [1, 1], [0, 0], [1, 0], [0, 0], [1, 1], [0, 1], [0, 0], [1, 1]];

test('MT19937 stream, random() and choices() equal CPython', () => {
  const r0 = pythonRandom(0);
  assert.deepEqual([r0.uint32(), r0.uint32(), r0.uint32()], [3626764237, 1654615998, 3255389356]);
  const r1 = pythonRandom(0);
  assert.deepEqual([r1.random(), r1.random(), r1.random()], [0.8444218515250481, 0.7579544029403025, 0.420571580830845]);
  const r5 = pythonRandom(5);
  assert.deepEqual([r5.random(), r5.random()], [0.6229016948897019, 0.7417869892607294]);
  const rb = pythonRandom(2 ** 40 + 7);
  assert.deepEqual([rb.random(), rb.random()], [0.6137037779936511, 0.8149162973309487]);
  assert.deepEqual(pythonRandom(3).choices([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 12), [2, 5, 3, 6, 6, 0, 0, 8, 2, 2, 9, 4]);
});

test('f1 and mcc on hand-made confusion matrices', () => {
  assert.equal(f1Score(ITEMS), 10 / 14);                         // 2TP / (2TP + FP + FN)
  assert.equal(matthewsCorrcoef(ITEMS), 21 / 49);                // (TP TN - FP FN) / sqrt(7 * 7 * 7 * 7)
  // 3 classes: golds 0 0 1 1 2 2, preds 0 1 1 1 2 0: t = [2,2,2], p = [2,3,1], correct 4, n 6
  // cov(yt,yp) = 4*6 - (4+6+2) = 12; cov(yp,yp) = 36 - 14 = 22; cov(yt,yt) = 36 - 12 = 24
  assert.equal(matthewsCorrcoef([[0, 0], [0, 1], [1, 1], [1, 1], [2, 2], [2, 0]]), 12 / Math.sqrt(24 * 22));
  assert.equal(matthewsCorrcoef([[1, 1], [0, 1]]), 0);           // constant prediction: undefined -> 0
  assert.equal(f1Score([[0, 0], [0, 0]]), 0);                    // no positives at all -> 0
});

test('bootstrap stderr equals lm-eval run in Python', () => {
  assert.ok(Math.abs(bootstrapStderr(f1Score, ITEMS, 3000) - 0.14866413570265688) < 1e-12);
  assert.ok(Math.abs(bootstrapStderr(matthewsCorrcoef, ITEMS, 3000) - 0.24809222006771212) < 1e-12);
  assert.equal(aggregateMetric('mcc', ITEMS, 0).stderr, 'N/A');
});

test('mean stderr and pooled group stderr formulas', () => {
  // [1,0,1,1]: mean 0.75, sample var = (3 * 0.0625 + 0.5625) / 3 = 0.25, stderr = 0.5 / 2
  assert.equal(meanStderr([1, 0, 1, 1]), 0.25);
  assert.deepEqual(aggregateMetric('acc', [1], 1000), { value: 1, stderr: 'N/A' });
  // sizes 10, 30; stderrs 0.1, 0.2: (9*0.01*10 + 29*0.04*30) / (40 - 2) / 40 = 35.7 / 38 / 40
  assert.ok(Math.abs(pooledStderr([0.1, 0.2], [10, 30]) - Math.sqrt(35.7 / 38 / 40)) < 1e-15);
});

test('group acc is the micro-average: hand sum over leaves', () => {
  const leaves = new Map([
    ['a', { row: { 'acc,none': 0.5, 'acc_stderr,none': 0.1 }, size: 10 }],
    ['b', { row: { 'acc,none': 0.2, 'acc_stderr,none': 0.05 }, size: 30 }],
    ['c', { row: { 'acc,none': 1.0, 'acc_stderr,none': 0.0 }, size: 5 }],
  ]);
  const row = aggregateGroup({ name: 'g', alias: 'g', members: ['a', 'b', 'c'], aggregate: 'weighted-acc', version: '2' }, leaves);
  assert.equal(row['acc,none'], (5 + 6 + 5) / 45);                // correct answers 5 + 6 + 5 of 45 questions
  const glue = aggregateGroup({ name: 'glue', alias: 'glue', members: ['a', 'b'], aggregate: 'glue-mean', version: 'x' },
    new Map<string, LeafResult>([['a', { row: { 'mcc,none': 0.3 }, size: 1 }], ['b', { row: { 'acc,none': 0.6 }, size: 9 }]]), { a: 'mcc', b: 'acc' });
  assert.ok(Math.abs((glue['score,none'] as number) - 0.45) < 1e-15);
  assert.equal(glue['score_stderr,none'], 'N/A');
});

test('acc / acc_norm: first argmax on ties, code-point lengths', () => {
  assert.equal(argmaxFirst([-1, -0.5, -0.5]), 1);
  // lls -4, -6; lengths 2 ("ab") and 6 ("😀😀😀😀😀😀" = 6 code points, 12 UTF-16 units):
  // acc picks 0 (-4 > -6); acc_norm: -4/2 = -2 < -6/6 = -1 so it picks 1
  const s = scoreMultipleChoice(['acc', 'acc_norm'], ['ab', '😀😀😀😀😀😀'], 1, [-4, -6]);
  assert.deepEqual(s, { acc: 0, acc_norm: 1 });
  // code points matter: 'é' + 3 astral chars = 4 code points (7 UTF-16 units); lls -4.5, -2.5 with 'abc' (3)
  // norm: -4.5/4 = -1.125 vs -2.5/3 = -0.833 -> 1; with UTF-16 length 7: -0.643 -> 0
  assert.equal(scoreMultipleChoice(['acc_norm'], ['é😀😀😀', 'abc'], 1, [-4.5, -2.5])['acc_norm'], 1);
});
