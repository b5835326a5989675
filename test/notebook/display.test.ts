// The in-kernel behaviour of these helpers (HTML table, plot bundle with PNG fallback, progress
// updated in place) is tested in run.test.ts, in the same notebook run, to start one kernel only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as aq from 'arquero';
import { notebookProgress, showTable } from '../../kernel-lib/index.ts';
import { inNotebook } from '../../kernel-lib/notebook/display.ts';

test('outside a kernel: display helpers print text', (t) => {
  assert.equal(inNotebook(), false);
  const lines: string[] = [];
  t.mock.method(console, 'log', (s: string) => lines.push(s));
  showTable(aq.table({ a: [1] }), { title: 'T' });
  assert.deepEqual(lines, ['T\n| a |\n| ---: |\n| 1 |\n']);
  const p = notebookProgress('x', 1);
  assert.equal(typeof p.tick, 'function');
});
