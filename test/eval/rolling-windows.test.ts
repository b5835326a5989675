import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rollingWindows } from '../../kernel-lib/eval/rolling-windows.ts';

test('rolling windows: disjoint chunks of L, one token of context, last chunk back-filled (hand-worked, L = 4)', () => {
  // tokens 1..10, prefix 0, L 4: window 0 predicts 1-4 from [0,1,2,3]; window 1 predicts 5-8 from [4,5,6,7];
  // window 2 predicts 9,10 with input [6,7,8,9] (back-filled): context [6,7,8], continuation [9,10]
  assert.deepEqual(rollingWindows([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0, 4), [
    { context: [0], continuation: [1, 2, 3, 4] },
    { context: [4], continuation: [5, 6, 7, 8] },
    { context: [6, 7, 8], continuation: [9, 10] },
  ]);
  assert.deepEqual(rollingWindows([5, 6], 0, 4), [{ context: [0], continuation: [5, 6] }]);
  assert.deepEqual(rollingWindows([], 0, 4), []);
});
