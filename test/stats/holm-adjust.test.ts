/**
 * Holm's step-down adjustment against hand-worked families: p = (0.01, 0.04, 0.03, 0.005), m = 4;
 * sorted 0.005, 0.01, 0.03, 0.04 get 4 x 0.005 = 0.02, 3 x 0.01 = 0.03, 2 x 0.03 = 0.06,
 * max(0.06, 1 x 0.04) = 0.06 (monotone); back in input order (0.03, 0.06, 0.06, 0.02).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holmAdjust } from '../../kernel-lib/stats/holm-adjust.ts';

const close = (a: (number | null)[], b: (number | null)[]) => {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => (b[i] === null ? assert.equal(x, null) : assert.ok(Math.abs(x! - b[i]!) < 1e-12, `index ${i}: ${x} vs ${b[i]}`)));
};

test('holmAdjust: a hand-worked family of four, monotone step-down, in input order', () => {
  close(holmAdjust([0.01, 0.04, 0.03, 0.005]), [0.03, 0.06, 0.06, 0.02]);
});

test('holmAdjust: capped at 1; a single test is unchanged; missing tests stay out of the family', () => {
  close(holmAdjust([0.5, 0.4, 0.3]), [0.9, 0.9, 0.9]);               // 3 x 0.3 = 0.9; 2 x 0.4 = 0.8 and 1 x 0.5 rise to 0.9 (monotone)
  close(holmAdjust([0.6, 0.2]), [0.6, 0.4]);                         // 2 x 0.2 = 0.4; max(0.4, 0.6)
  close(holmAdjust([0.3, 0.9]), [0.6, 0.9]);                         // 2 x 0.3 = 0.6; 0.9
  close(holmAdjust([0.7, 0.8]), [1, 1]);                             // min(1, 2 x 0.7) = 1
  close(holmAdjust([0.02]), [0.02]);
  close(holmAdjust([null, 0.02, null, 0.01]), [null, 0.02, null, 0.02]); // m = 2: 2 x 0.01 = 0.02, max(0.02, 0.02)
  close(holmAdjust([]), []);
});

test('holmAdjust: the reviewer case, where p = 0.002-0.045 stop counting in a family of 60', () => {
  const family = [0.002, 0.045, ...new Array(58).fill(0.5)];
  const adj = holmAdjust(family);
  assert.ok(Math.abs(adj[0]! - 0.12) < 1e-12);                        // 60 x 0.002
  assert.equal(adj[1], 1);                                            // min(1, 59 x 0.045)
});

test('holmAdjust: a p-value outside [0, 1] is refused with its index', () => {
  assert.throws(() => holmAdjust([0.1, 1.5]), /p-value 1 is 1.5/);
  assert.throws(() => holmAdjust([Number.NaN]), /p-value 0 is NaN/);
});
