import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readGlueTsv } from '../../../kernel-lib/data/sources/glue.ts';

const REAL = process.env.LAB_REAL_DATA;
const skip = REAL ? false : 'LAB_REAL_DATA unset: needs real GLUE files';

test('real GLUE dev files: counts and label balance as SOURCES.md states', { skip }, () => {
  const cola = readGlueTsv('cola', join(REAL!, 'glue/CoLA/dev.tsv'));
  assert.equal(cola.length, 527);
  assert.equal(cola.filter((r) => r.label === 1).length, 365);
  assert.equal(cola[0]!['sentence'], 'The sailors rode the breeze clear of the rocks.');
  const mrpc = readGlueTsv('mrpc', join(REAL!, 'glue/MRPC/dev.tsv'));
  assert.equal(mrpc.length, 408);
  assert.equal(mrpc.filter((r) => r.label === 1).length, 279);
  const rte = readGlueTsv('rte', join(REAL!, 'glue/RTE/dev.tsv'));
  assert.equal(rte.length, 277);
  assert.equal(rte.filter((r) => r.label === 0).length, 146);
  // CSV-quoted field with doubled quotes (row idx 3 of the Hub export)
  assert.ok((rte[3]!['sentence1'] as string).includes('"If someone snaps'));
  assert.equal(rte[13]!['sentence2'], 'Jack Kevorkian is the real name of "Dr. Death".');
  const wnli = readGlueTsv('wnli', join(REAL!, 'glue/WNLI/dev_resplit_AttAttr-Cutoff.tsv'));
  assert.equal(wnli.length, 70);
  assert.equal(wnli.filter((r) => r.label === 1).length, 35);
});

function file(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'glue-')), 'dev.tsv');
  writeFileSync(p, text);
  return p;
}

test('GLUE layouts written by the test: QNLI, QQP, MNLI, SST-2, RTE (GLUE layout)', () => {
  assert.deepEqual(readGlueTsv('qnli', file('index\tquestion\tsentence\tlabel\n0\tQ?\t"S.\tnot_entailment\n')),
    [{ question: 'Q?', sentence: '"S.', label: 1, idx: 0 }]);
  assert.deepEqual(readGlueTsv('qqp', file('id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n7\t1\t2\tA?\tB?\t1\n')),
    [{ question1: 'A?', question2: 'B?', label: 1, idx: 0 }]);
  const mnliHead = 'index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tgold_label\n';
  assert.deepEqual(readGlueTsv('mnli_matched', file(mnliHead + '0\t1\t1n\tgov\t(\t(\t(\t(\tP.\tH\tneutral\tcontradiction\n')),
    [{ premise: 'P.', hypothesis: 'H', label: 2, idx: 0 }]);
  assert.deepEqual(readGlueTsv('sst2', file('sentence\tlabel\nit \'s good \t1\n')), [{ sentence: "it 's good ", label: 1, idx: 0 }]);
  assert.deepEqual(readGlueTsv('rte', file('index\tsentence1\tsentence2\tlabel\n0\tA.\tB.\tentailment\n')),
    [{ sentence1: 'A.', sentence2: 'B.', label: 0, idx: 0 }]);
});

test('bad GLUE rows name file and line', () => {
  assert.throws(() => readGlueTsv('qnli', file('index\tquestion\tsentence\tlabel\n0\tQ?\tS\tmaybe\n')), /dev\.tsv: row 2: label out of range: 'maybe'/);
  assert.throws(() => readGlueTsv('qnli', file('index\tquestion\tsentence\tlabel\n0\tQ?\tS\n')), /dev\.tsv: row 2: expected 4 tab-separated fields, got 3/);
  assert.throws(() => readGlueTsv('qnli', file('index\tquestion\tlabel\n0\tQ?\t0\n')), /dev\.tsv: row 1: missing column 'sentence'/);
  assert.throws(() => readGlueTsv('wnli', file('index\tsentence1\tsentence2\tlabel\n0\ta\tb\t3\n')), /row 2: label out of range: 3/);
  assert.throws(() => readGlueTsv('cola', file('')), /dev\.tsv: empty file/);
});
