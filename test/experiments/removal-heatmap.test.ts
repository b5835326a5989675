/** removalHeatmap on the summary of a hand-written plan: shares removed and labels per layer and kind. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { removalHeatmap } from '../../kernel-lib/experiments/removal-heatmap.ts';
import { planSummary } from '../../kernel-lib/index.ts';

test('rows are layers, columns kinds; 1 of 4 heads and 3 of 6 neurons removed in layer 1', () => {
  const p = removalHeatmap(planSummary({ family: 'gpt2', criterion: 'flap', selection: 'adaptive', groups: [
    { kind: 'heads', layer: 1, count: 4, keep: [0, 1, 3], scores: [] }, { kind: 'mlp', layer: 1, count: 6, keep: [0, 4, 5], scores: [] },
    { kind: 'heads', layer: 0, count: 4, keep: [0, 1, 2, 3], scores: [] }, { kind: 'mlp', layer: 0, count: 6, keep: [1], scores: [] },
  ] }));
  const d = p.data[0] as { z: number[][]; text: string[][]; x: string[]; y: number[] };
  assert.deepEqual(d.x, ['heads', 'mlp']);
  assert.deepEqual(d.y, [0, 1]);
  assert.deepEqual(d.z, [[0, 5 / 6], [0.25, 0.5]]);
  assert.deepEqual(d.text, [['0 / 4', '5 / 6'], ['1 / 4', '3 / 6']]);
  assert.equal((p.layout.title as { text: string }).text, 'Removed per layer (flap, adaptive)');
});
