/** planSummary on a hand-written plan: widths, removed ids, quartiles and shift norms by hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSummary } from '../../kernel-lib/index.ts';
import { distribution } from '../../kernel-lib/prune/plan-summary.ts';

test('quartiles by linear interpolation: 1..5 -> 2, 3, 4; mean 3', () => {
  assert.deepEqual(distribution([5, 1, 4, 2, 3]), { min: 1, q1: 2, median: 3, q3: 4, max: 5, mean: 3 });
  assert.equal(distribution([]), null);
});

test('a plan: kept widths per layer, removed units, compensation norm sqrt(3^2 + 4^2) = 5', () => {
  const s = planSummary({ family: 'gpt2', criterion: 'flap', selection: 'adaptive', groups: [
    { kind: 'heads', layer: 0, count: 4, keep: [0, 2], scores: [4, 1, 3, 2] },
    { kind: 'mlp', layer: 0, count: 3, keep: [0, 1, 2], scores: [] },
  ], biasShifts: [{ param: 'h.0.attn.c_proj.bias', values: [3, 4] }] });
  assert.deepEqual(s.kept, { heads: [2], mlp: [3] });
  assert.deepEqual(s.layers[0]!.removed, [1, 3]);
  assert.equal(s.layers[0]!.scores!.median, 2.5);
  assert.equal(s.layers[1]!.scores, null);
  assert.deepEqual(s.compensation, [{ param: 'h.0.attn.c_proj.bias', norm: 5 }]);
});
