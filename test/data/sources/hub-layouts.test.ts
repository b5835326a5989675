/**
 * The Hub's parquet layouts of the eval datasets (spec section 3), written with hyparquet-writer
 * into a data folder (the same files the hub path downloads): OBQA's struct of lists, HellaSwag's
 * string label, MMLU's list of choices and int64 answer, GLUE's int label.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { readOpenBookQa } from '../../../kernel-lib/data/sources/openbookqa.ts';
import { readHellaSwag } from '../../../kernel-lib/data/sources/hellaswag.ts';
import { readMmlu } from '../../../kernel-lib/data/sources/mmlu.ts';
import { readGlue } from '../../../kernel-lib/data/sources/glue.ts';

type Col = { name: string; data: unknown[]; type?: 'STRING' | 'INT64' | 'INT32' };

function put(dir: string, path: string, cols: Col[]): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), new Uint8Array(parquetWriteBuffer({ columnData: cols as never })));
}

test('hub parquet layouts read into the same row schemas', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hublayout-'));
  put(dir, 'openbookqa/main/test-00000-of-00001.parquet', [
    { name: 'id', data: ['7-980'], type: 'STRING' },
    { name: 'question_stem', data: ['The sun is responsible for'], type: 'STRING' },
    { name: 'choices', data: [{ text: ['a', 'b', 'c', 'd'], label: ['A', 'B', 'C', 'D'] }] },
    { name: 'answerKey', data: ['D'], type: 'STRING' },
  ]);
  assert.deepEqual(await readOpenBookQa(dir, 'test'), [{ id: '7-980', question_stem: 'The sun is responsible for', choices: { text: ['a', 'b', 'c', 'd'], label: ['A', 'B', 'C', 'D'] }, answerKey: 'D' }]);
  const hs = { ind: [4], activity_label: ['Removing ice'], ctx_a: ['A man'], ctx_b: ['then'], ctx: ['A man then'], split: ['val'], split_type: ['indomain'], source_id: ['x'] };
  put(dir, 'hellaswag/validation-00000-of-00001.parquet', [
    ...Object.entries(hs).map(([name, data]) => ({ name, data, ...(name === 'ind' ? { type: 'INT32' as const } : { type: 'STRING' as const }) })),
    { name: 'endings', data: [['e0', 'e1', 'e2', 'e3']] },
    { name: 'label', data: ['2'], type: 'STRING' },
  ]);
  const [h] = await readHellaSwag(dir, 'validation');
  assert.equal(h!.label, 2);
  assert.deepEqual(h!.endings, ['e0', 'e1', 'e2', 'e3']);
  put(dir, 'mmlu/anatomy/test-00000-of-00001.parquet', [
    { name: 'question', data: ['What is it?'], type: 'STRING' },
    { name: 'subject', data: ['anatomy'], type: 'STRING' },
    { name: 'choices', data: [['w', 'x', 'y', 'z']] },
    { name: 'answer', data: [3n], type: 'INT64' },
  ]);
  assert.deepEqual(await readMmlu(dir, 'anatomy', 'test'), [{ question: 'What is it?', subject: 'anatomy', choices: ['w', 'x', 'y', 'z'], answer: 3 }]);
  put(dir, 'glue/mnli/validation_matched-00000-of-00001.parquet', [
    { name: 'premise', data: ['P.'], type: 'STRING' }, { name: 'hypothesis', data: ['H'], type: 'STRING' },
    { name: 'label', data: [2n], type: 'INT64' }, { name: 'idx', data: [0], type: 'INT32' },
  ]);
  assert.deepEqual(await readGlue(dir, 'mnli_matched'), [{ premise: 'P.', hypothesis: 'H', label: 2, idx: 0 }]);
  put(dir, 'glue/rte/validation-00000-of-00001.parquet', [
    { name: 'sentence1', data: ['A.'], type: 'STRING' }, { name: 'sentence2', data: ['B.'], type: 'STRING' },
    { name: 'label', data: [-1n], type: 'INT64' }, { name: 'idx', data: [0], type: 'INT32' },
  ]);
  await assert.rejects(readGlue(dir, 'rte'), /validation-00000-of-00001\.parquet: row 1: label out of range: -1/);
});
