import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSharedContext } from '../../kernel-lib/eval/shared-context-plan.ts';

// Max length 5: the model input is (ctx + cont)[-6:][:-1] (lm-eval's left truncation).
const L = 5;
const REQS = [
  { context: [1, 2, 3], continuation: [4] },           // 0 ] same context, same (empty) tail:
  { context: [1, 2, 3], continuation: [5] },           // 1 ] one segment, two last targets
  { context: [1, 2, 3], continuation: [6, 7, 8] },     // 2: 6 tokens, not truncated; tail [6, 7]
  { context: [9], continuation: [6, 7] },              // 3: its own row
  { context: [1, 2, 3, 4, 5], continuation: [6, 7] },  // 4: 7 tokens -> input [2, 3, 4, 5, 6]: context part [2, 3, 4, 5]
];

test('planSharedContext: rows per truncated context, one segment per distinct tail, longest first', () => {
  const rows = planSharedContext(REQS, [0, 1, 2, 3, 4], L);
  assert.deepEqual(rows.map((r) => ({ context: r.context, length: r.length, segments: r.segments.map((s) => ({ tail: s.tail, members: s.members })) })), [
    { context: [1, 2, 3], length: 5, segments: [
      { tail: [], members: [{ index: 0, last: 4 }, { index: 1, last: 5 }] },
      { tail: [6, 7], members: [{ index: 2, last: 8 }] },
    ] },
    // equal length 5: ties by tokens, [1, ...] before [2, ...]
    { context: [2, 3, 4, 5], length: 5, segments: [{ tail: [6], members: [{ index: 4, last: 7 }] }] },
    { context: [9], length: 2, segments: [{ tail: [6], members: [{ index: 3, last: 7 }] }] },
  ]);
});

test('planSharedContext: each request sees exactly its own truncated input', () => {
  // rebuild every request's model input from its row: context part + its tail = lm-eval's inp
  const rows = planSharedContext(REQS, [0, 1, 2, 3, 4], L);
  const seen = new Map<number, number[]>();
  for (const r of rows) for (const s of r.segments) for (const m of s.members) seen.set(m.index, [...r.context, ...s.tail]);
  const lmEvalInput = (r: { context: number[]; continuation: number[] }) => [...r.context, ...r.continuation].slice(-(L + 1)).slice(0, -1);
  REQS.forEach((r, i) => assert.deepEqual(seen.get(i), lmEvalInput(r), `request ${i}`));
});

test('planSharedContext: only the given indices; a continuation longer than max length is refused', () => {
  const rows = planSharedContext(REQS, [3], L);
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0]!.segments[0]!.members, [{ index: 3, last: 7 }]);
  assert.throws(() => planSharedContext([{ context: [1], continuation: [1, 2, 3, 4, 5, 6] }], [0], L), /exceeds the model's max length 5/);
});
