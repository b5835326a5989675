import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readOpenBookQa } from '../../../kernel-lib/data/sources/openbookqa.ts';

// Rows in the original release's Data/Main/test.jsonl format (OpenBookQA-V1-Sep2018).
const ROW = { id: '8-343', question: { stem: 'A person wants to start saving money so that they can afford a nice vacation at the end of the year. After looking over their budget and expenses, they decide the best way to save money is to', choices: [{ text: 'make more phone calls', label: 'A' }, { text: 'quit eating lunch out', label: 'B' }, { text: 'buy less with monopoly money', label: 'C' }, { text: 'have lunch with friends', label: 'D' }] }, answerKey: 'B' };

function writeObqa(rows: unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'obqa-'));
  mkdirSync(join(dir, 'openbookqa/Main'), { recursive: true });
  writeFileSync(join(dir, 'openbookqa/Main/test.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return dir;
}

test('original OBQA jsonl -> Hub schema', async () => {
  const rows = await readOpenBookQa(writeObqa([ROW]), 'test');
  assert.deepEqual(rows, [{ id: '8-343', question_stem: ROW.question.stem, choices: { text: ROW.question.choices.map((c) => c.text), label: ['A', 'B', 'C', 'D'] }, answerKey: 'B' }]);
});

test('bad OBQA rows name file and line', async () => {
  await assert.rejects(readOpenBookQa(writeObqa([ROW, { ...ROW, answerKey: 'E' }]), 'test'), /test\.jsonl: row 2: answerKey out of range: 'E'/);
  await assert.rejects(readOpenBookQa(writeObqa([{ ...ROW, question: { choices: ROW.question.choices } }]), 'test'), /test\.jsonl: row 1: missing field 'stem'/);
});
