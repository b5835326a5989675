import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseCsv, readCsv } from '../../../kernel-lib/data/formats/csv.ts';
import { DataError } from '../../../kernel-lib/data/formats/data-error.ts';

// Expected values are read off RFC 4180 section 2 by hand (quoted fields, "" escapes, CRLF,
// line breaks inside quotes, optional final line break).
test('RFC 4180 quoting, CRLF, embedded newlines and delimiters', () => {
  const text = 'a,"b,c","say ""hi"""\r\n"multi\nline",,x\r\nlast,row,"\r\n"';
  const recs = parseCsv(text, { file: 'f.csv' });
  assert.deepEqual(recs.map((r) => r.fields), [
    ['a', 'b,c', 'say "hi"'],
    ['multi\nline', '', 'x'],
    ['last', 'row', '\r\n'],
  ]);
  assert.deepEqual(recs.map((r) => [r.row, r.line]), [[1, 1], [2, 2], [3, 4]]);
});

test('final line break is optional; BOM dropped; tab delimiter', () => {
  assert.deepEqual(parseCsv('\ufeffx,y\n').map((r) => r.fields), [['x', 'y']]);
  assert.deepEqual(parseCsv('x,y').map((r) => r.fields), [['x', 'y']]);
  assert.deepEqual(parseCsv('"a\tb"\tc\n', { delimiter: '\t' }).map((r) => r.fields), [['a\tb', 'c']]);
  assert.deepEqual(parseCsv(''), []);
});

test('errors name the file and the record', () => {
  assert.throws(() => parseCsv('ok,1\n"open,2\n', { file: 'bad.csv' }), (e: unknown) =>
    e instanceof DataError && e.file === 'bad.csv' && e.row === 2 && /unterminated/.test(e.message));
  assert.throws(() => parseCsv('"a"b,1\n', { file: 'bad.csv' }), /bad\.csv: row 1: unexpected character "b"/);
});

test('readCsv reads a file and names a missing one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'csv-'));
  writeFileSync(join(dir, 'x.csv'), 'q,A,B,C,D,A\n');
  assert.deepEqual(readCsv(join(dir, 'x.csv'))[0]!.fields, ['q', 'A', 'B', 'C', 'D', 'A']);
  assert.throws(() => readCsv(join(dir, 'nope.csv')), /nope\.csv: cannot read/);
});
