// In a kernel the line goes to stdout: checked in test/notebook/run.test.ts (one kernel for all display checks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { infoLine } from '../../kernel-lib/runtime/info-line.ts';

test('outside a notebook kernel an info line goes to stderr, nothing to stdout', (t) => {
  const err: string[] = [], out: string[] = [];
  t.mock.method(console, 'error', (s: string) => err.push(s));
  t.mock.method(console, 'log', (s: string) => out.push(s));
  infoLine('[lab] backend: wasm');
  assert.deepEqual([err, out], [['[lab] backend: wasm'], []]);
});
