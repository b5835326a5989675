import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { readParquet } from '../../../kernel-lib/data/formats/parquet.ts';

const dir = mkdtempSync(join(tmpdir(), 'pq-'));

test('reads rows written by an independent writer (hyparquet-writer, snappy default)', async () => {
  const p = join(dir, 'x.parquet');
  writeFileSync(p, new Uint8Array(parquetWriteBuffer({
    columnData: [
      { name: 'goal', data: ['a', 'é ☃', ''], type: 'STRING' },
      { name: 'label', data: [0, 1, 1], type: 'INT32' },
    ],
  })));
  assert.deepEqual(await readParquet(p), [{ goal: 'a', label: 0 }, { goal: 'é ☃', label: 1 }, { goal: '', label: 1 }]);
  assert.deepEqual(await readParquet(p, ['label']), [{ label: 0 }, { label: 1 }, { label: 1 }]);
});

test('not parquet, truncated, empty: errors name the file', async () => {
  const bad = join(dir, 'bad.parquet');
  writeFileSync(bad, 'this is not parquet at all');
  await assert.rejects(readParquet(bad), /bad\.parquet: unreadable parquet/);
  const full = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'x', data: [1, 2, 3], type: 'INT32' }] }));
  const cut = join(dir, 'cut.parquet');
  writeFileSync(cut, full.slice(0, full.length - 9));
  await assert.rejects(readParquet(cut), /cut\.parquet: unreadable parquet/);
  const empty = join(dir, 'empty.parquet');
  writeFileSync(empty, '');
  await assert.rejects(readParquet(empty), /empty\.parquet: empty file/);
});
