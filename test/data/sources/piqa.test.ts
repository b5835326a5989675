import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { readPiqa } from '../../../kernel-lib/data/sources/piqa.ts';

const REAL = process.env.LAB_REAL_DATA;

test('real PIQA validation: 1,838 rows, first row and labels', { skip: REAL ? false : 'LAB_REAL_DATA unset: needs real PIQA files' }, async () => {
  const rows = await readPiqa(REAL!, 'validation');
  assert.equal(rows.length, 1838);
  assert.equal(rows[0]!.goal, "How do I ready a guinea pig cage for it's new occupants?");
  assert.deepEqual(rows.slice(0, 3).map((r) => r.label), [0, 1, 1]);
  assert.equal(rows[1]!.sol2, 'finish, woodgrain with  bobby pin ');
});

function folder(jsonl: string, labels: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'piqa-'));
  mkdirSync(join(dir, 'piqa'));
  writeFileSync(join(dir, 'piqa/valid.jsonl'), jsonl);
  writeFileSync(join(dir, 'piqa/valid-labels.lst'), labels);
  return dir;
}

test('bad PIQA data names file and row', async () => {
  const ok = '{"goal":"g","sol1":"a","sol2":"b"}\n';
  await assert.rejects(readPiqa(folder(ok + '{"goal":"g","sol1":"a"}\n', '0\n1\n'), 'validation'), /valid\.jsonl: row 2: missing field 'sol2'/);
  await assert.rejects(readPiqa(folder(ok + ok, '0\n2\n'), 'validation'), /valid-labels\.lst: row 2: label out of range: 2/);
  await assert.rejects(readPiqa(folder(ok + ok, '0\n'), 'validation'), /valid-labels\.lst: 1 labels for 2 rows/);
  await assert.rejects(readPiqa(folder('', '0\n'), 'validation'), /valid\.jsonl: empty file/);
  await assert.rejects(readPiqa(mkdtempSync(join(tmpdir(), 'piqa-')), 'validation'), /piqa: no data file/);
});

test('Hub parquet layout (baber/piqa) reads the same schema', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'piqa-'));
  mkdirSync(join(dir, 'piqa'));
  writeFileSync(join(dir, 'piqa/piqa_validation.parquet'), new Uint8Array(parquetWriteBuffer({
    columnData: [
      { name: 'goal', data: ['g1', 'g2'], type: 'STRING' },
      { name: 'sol1', data: ['a', 'c'], type: 'STRING' },
      { name: 'sol2', data: ['b', 'd'], type: 'STRING' },
      { name: 'label', data: [1n, 0n], type: 'INT64' },
    ],
  })));
  assert.deepEqual(await readPiqa(dir, 'validation'), [
    { goal: 'g1', sol1: 'a', sol2: 'b', label: 1 }, { goal: 'g2', sol1: 'c', sol2: 'd', label: 0 }]);
  writeFileSync(join(dir, 'piqa/piqa_validation.parquet'), 'PAR1 garbage');
  await assert.rejects(readPiqa(dir, 'validation'), /piqa_validation\.parquet: unreadable parquet/);
});
