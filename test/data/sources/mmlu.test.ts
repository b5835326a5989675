import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readMmlu } from '../../../kernel-lib/data/sources/mmlu.ts';

const REAL = process.env.LAB_REAL_DATA;

test('real MMLU abstract_algebra: dev 5 rows, test 100 rows', { skip: REAL ? false : 'LAB_REAL_DATA unset: needs real MMLU files' }, async () => {
  assert.equal((await readMmlu(REAL!, 'abstract_algebra', 'dev')).length, 5);
  const t = await readMmlu(REAL!, 'abstract_algebra', 'test');
  assert.equal(t.length, 100);
  assert.equal(t[0]!.subject, 'abstract_algebra');
  assert.equal(t[0]!.choices.length, 4);
});

test('bad MMLU rows name file and record', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmlu-'));
  mkdirSync(join(dir, 'mmlu/test'), { recursive: true });
  const p = join(dir, 'mmlu/test/anatomy_test.csv');
  writeFileSync(p, 'q,a,b,c,d,A\n"q2",a,b,c,d,E\n');
  await assert.rejects(readMmlu(dir, 'anatomy', 'test'), /anatomy_test\.csv: row 2: answer out of range: 'E'/);
  writeFileSync(p, 'q,a,b,c,A\n');
  await assert.rejects(readMmlu(dir, 'anatomy', 'test'), /anatomy_test\.csv: row 1: expected 6 fields/);
  writeFileSync(p, '');
  await assert.rejects(readMmlu(dir, 'anatomy', 'test'), /anatomy_test\.csv: empty file/);
});
