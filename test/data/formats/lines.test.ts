import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseLines, readLines } from '../../../kernel-lib/data/formats/lines.ts';

test('lines: final newline is not a row, CRLF handled, empty file is an error', () => {
  assert.deepEqual(parseLines('0\r\n1\n\n1\n'), ['0', '1', '', '1']);
  assert.deepEqual(parseLines('0\n1'), ['0', '1']);
  const dir = mkdtempSync(join(tmpdir(), 'lines-'));
  writeFileSync(join(dir, 'e.lst'), '');
  assert.throws(() => readLines(join(dir, 'e.lst')), /e\.lst: empty file/);
});
