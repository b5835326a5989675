import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readHellaSwag } from '../../../kernel-lib/data/sources/hellaswag.ts';

const REAL = process.env.LAB_REAL_DATA;

test('real HellaSwag validation subset: 1,000 rows, first row', { skip: REAL ? false : 'LAB_REAL_DATA unset: needs real HellaSwag file' }, async () => {
  const rows = await readHellaSwag(REAL!, 'validation');
  assert.equal(rows.length, 1000);
  assert.equal(rows[0]!.activity_label, 'Pole vault');
  assert.equal(rows[0]!.label, 3);
});

test('bad HellaSwag rows name file and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hs-'));
  mkdirSync(join(dir, 'hellaswag'));
  const p = join(dir, 'hellaswag/hellaswag_val.jsonl');
  const row = { ind: 1, activity_label: 'a', ctx_a: 'b', ctx_b: 'c', ctx: 'b c', split: 'val', split_type: 'indomain', label: 3, endings: ['1', '2', '3', '4'], source_id: 's' };
  writeFileSync(p, JSON.stringify(row) + '\n' + JSON.stringify({ ...row, label: 4 }) + '\n');
  await assert.rejects(readHellaSwag(dir, 'validation'), /hellaswag_val\.jsonl: row 2: field 'label' out of range: 4/);
  writeFileSync(p, JSON.stringify({ ...row, endings: ['1'] }) + '\n');
  await assert.rejects(readHellaSwag(dir, 'validation'), /row 1: field 'endings' must have 4 entries/);
});
