import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { describeTable } from '../../kernel-lib/index.ts';
import { type ColumnSummary } from '../../kernel-lib/report/describe.ts';

test('describeTable: counts, moments and quartiles against hand-computed values', () => {
  const d = describeTable(aq.table({ x: [1, 2, 3, null, 10], s: ['x', 'y', 'x', null, 'zz'] })).objects() as ColumnSummary[];
  const x = d[0]!;
  // valid 1,2,3,10: mean 4; sample var (9+4+1+36)/3 = 50/3; quartiles by linear interpolation
  // at positions 0.75, 1.5, 2.25 of the sorted values: 1.75, 2.5, 4.75.
  assert.deepEqual([x.column, x.type, x.count, x.missing, x.unique, x.mean, x.min, x.p25, x.median, x.p75, x.max],
    ['x', 'number', 4, 1, 4, 4, 1, 1.75, 2.5, 4.75, 10]);
  assert.ok(Math.abs((x.std as number) - Math.sqrt(50 / 3)) < 1e-12);
  const s = d[1]!;
  assert.deepEqual([s.type, s.count, s.missing, s.unique, s.top, s.meanLength, s.mean], ['string', 4, 1, 3, 'x', 1.25, null]);
});
