import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseJsonl, readJsonl, streamJsonl } from '../../../kernel-lib/data/formats/jsonl.ts';
import { DataError } from '../../../kernel-lib/data/formats/data-error.ts';

test('parses one value per line with 1-based line numbers, skipping blank lines and CRLF', () => {
  const rows = parseJsonl('{"a":1}\r\n\n{"a":"x\\ny"}\n', 'f.jsonl');
  assert.deepEqual(rows, [{ line: 1, value: { a: 1 } }, { line: 3, value: { a: 'x\ny' } }]);
});

test('bad line names file and line', () => {
  assert.throws(() => parseJsonl('{"a":1}\n{"a":\n', 'f.jsonl'), (e: unknown) =>
    e instanceof DataError && e.file === 'f.jsonl' && e.row === 2 && /invalid JSON/.test(e.message));
});

test('streaming reader gives the same rows as the in-memory one and fails on the bad line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jsonl-'));
  const p = join(dir, 'x.jsonl');
  writeFileSync(p, '{"i":0}\n{"i":1}\n\n{"i":2}\n');
  const got = [];
  for await (const r of streamJsonl(p)) got.push(r);
  assert.deepEqual(got, readJsonl(p));
  writeFileSync(p, '{"i":0}\nnot json\n');
  await assert.rejects(async () => { for await (const _ of streamJsonl(p)) void _; }, new RegExp(`x\\.jsonl: row 2: invalid JSON`));
  await assert.rejects(async () => { for await (const _ of streamJsonl(join(dir, 'none.jsonl'))) void _; }, /none\.jsonl: cannot read/);
});
