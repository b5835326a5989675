import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cubic, oneShot } from '../../kernel-lib/prune/schedules.ts';

test('cubic schedule equals Zhu & Gupta s_t = s_f (1 - (1 - t/n)^3) from s_i = 0', () => {
  // n = 4, s_f = 0.47: t/n = 1/4, 1/2, 3/4, 1 -> 1-(3/4)^3 = 37/64, 1-(1/2)^3 = 7/8, 1-(1/4)^3 = 63/64, 1.
  const s = cubic(0.47, 4);
  const want = [0.47 * 37 / 64, 0.47 * 7 / 8, 0.47 * 63 / 64, 0.47];
  s.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-12, `${i}: ${v} vs ${want[i]}`));
  assert.deepEqual(oneShot(0.3, 5), [0.3]);
  assert.deepEqual(cubic(0.5, 1), [0.5]);
  assert.throws(() => cubic(0.5, 0), /iterations must be an integer >= 1/);
});
