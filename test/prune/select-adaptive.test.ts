/** FLAP's adaptive selection on hand-made scores: standardisation per group, one ranking over
 *  layers and kinds weighted by unit parameters, floors, and the MLP rounding. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectAdaptive, standardize } from '../../kernel-lib/prune/select-adaptive.ts';
import type { ScoredGroup } from '../../kernel-lib/prune/select-units.ts';

const group = (kind: 'heads' | 'mlp', layer: number, scores: number[], unitParams: number): ScoredGroup =>
  ({ group: { kind, layer, count: scores.length, slices: [] }, scores: Float32Array.from(scores), unitParams });

test('standardize: (s - mean) / population sd', () => {
  // 1, 2, 3: mean 2, sd sqrt(2/3)
  const z = standardize([1, 2, 3]);
  const sd = Math.sqrt(2 / 3);
  assert.deepEqual([...z].map((x) => +x.toFixed(12)), [-1 / sd, 0, 1 / sd].map((x) => +x.toFixed(12)));
  assert.deepEqual([...standardize([5, 5])], [0, 0]);
});

test('one ranking over layers and kinds: scale differences between groups do not matter', () => {
  // layer 0 mlp scores are 1000x layer 1's, but standardised they rank alike; heads cost 10 params, neurons 1.
  const gs = [
    group('mlp', 0, [1000, 2000, 3000, 4000], 1),   // z: -1.34, -0.45, 0.45, 1.34
    group('mlp', 1, [1, 2, 3, 4], 1),               // same z
    group('heads', 0, [1, 9], 10),                   // z: -1, 1
  ];
  // remove 12 params: order -1.34 (mlp0 u0), -1.34 (mlp1 u0), -1 (head 0: 10 params) -> 12
  const p = selectAdaptive(gs, 12, { minHeads: 1, minMlpWidth: 1, roundMlpTo: 1 });
  assert.deepEqual(p.map((g) => g.keep), [[1, 2, 3], [1, 2, 3], [1]]);
  // the floor: heads keep at least one, so asking for more takes neurons instead
  const q = selectAdaptive(gs, 30, { minHeads: 1, minMlpWidth: 1, roundMlpTo: 1 });
  assert.equal(q[2]!.keep.length, 1);
  assert.deepEqual(q.slice(0, 2).map((g) => g.keep.length), [1, 1]);
});

test('roundMlpTo keeps the best removed neurons back up to a multiple', () => {
  const gs = [group('mlp', 0, [5, 1, 4, 2, 3, 6], 1)];
  const p = selectAdaptive(gs, 3, { minHeads: 1, minMlpWidth: 1, roundMlpTo: 4 });
  // 3 lowest (1, 2, 3 at units 1, 3, 4) go, 3 kept -> rounded to 4: unit 4 (score 3) comes back
  assert.deepEqual(p[0]!.keep, [0, 2, 4, 5]);
});
