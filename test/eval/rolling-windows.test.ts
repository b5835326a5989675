import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rollingWindows } from '../../kernel-lib/eval/rolling-windows.ts';
import { strideWindows } from '../../kernel-lib/eval/perplexity.ts';

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

test('stride windows: every token predicted once with >= L - stride tokens of context', () => {
  // stream [P=0, 1..7], L 4, stride 2: each chunk's input is the 4 tokens before its last prediction:
  // [1,2] from input [0,1]; [3,4] from [0..3]; [5,6] from [2..5] (context [2,3,4]); [7] from [3..6]
  assert.deepEqual(strideWindows([0, 1, 2, 3, 4, 5, 6, 7], 4, 2), [
    { context: [0], continuation: [1, 2] },
    { context: [0, 1, 2], continuation: [3, 4] },
    { context: [2, 3, 4], continuation: [5, 6] },
    { context: [3, 4, 5, 6], continuation: [7] },
  ]);
});
