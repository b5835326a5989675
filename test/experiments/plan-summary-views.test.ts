/** planSummaryViews on the summary of a hand-written plan: rows sorted by kind then layer, quartiles and norms by hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSummaryViews, planSummary } from '../../kernel-lib/index.ts';

test('per (kind, layer): widths before / kept / removed and score quartiles; compensation norms', () => {
  const v = planSummaryViews(planSummary({ family: 'gpt2', criterion: 'flap', selection: 'adaptive', groups: [
    { kind: 'mlp', layer: 1, count: 5, keep: [0, 4], scores: [5, 1, 4, 2, 3] },
    { kind: 'heads', layer: 1, count: 2, keep: [0, 1], scores: [] },
    { kind: 'heads', layer: 0, count: 2, keep: [1], scores: [0.5, 1.5] },
  ], biasShifts: [{ param: 'h.1.mlp.c_proj.bias', values: [6, 8] }] }));
  assert.deepEqual(v.layers.objects(), [
    // heads 0: scores 0.5, 1.5 -> quartiles at positions 0.25, 0.5, 0.75 of [0.5, 1.5]: 0.75, 1, 1.25
    { kind: 'heads', layer: 0, before: 2, kept: 1, removed: 1, score_min: 0.5, score_q1: 0.75, score_median: 1, score_q3: 1.25, score_max: 1.5, score_mean: 1 },
    { kind: 'heads', layer: 1, before: 2, kept: 2, removed: 0, score_min: null, score_q1: null, score_median: null, score_q3: null, score_max: null, score_mean: null },
    // mlp 1: scores 1..5 -> 2, 3, 4; mean 3
    { kind: 'mlp', layer: 1, before: 5, kept: 2, removed: 3, score_min: 1, score_q1: 2, score_median: 3, score_q3: 4, score_max: 5, score_mean: 3 },
  ]);
  assert.deepEqual(v.compensation.objects(), [{ param: 'h.1.mlp.c_proj.bias', shift_norm: 10 }]);   // sqrt(36 + 64)
  assert.deepEqual((v.heatmap.data[0] as { x: string[]; z: number[][] }).x, ['heads', 'mlp']);   // kinds sorted, whatever the plan's order
  assert.deepEqual((v.heatmap.data[0] as { z: number[][] }).z, [[0.5, null], [0, 0.6]]);
});
