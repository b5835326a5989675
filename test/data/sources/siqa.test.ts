import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { readSiqa } from '../../../kernel-lib/data/sources/siqa.ts';

const real = process.env.LAB_REAL_DATA;
const dir = mkdtempSync(join(tmpdir(), 'lab-siqa-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const row = (c: string) => JSON.stringify({ context: c, question: 'Why?', answerA: 'a', answerB: 'b', answerC: 'c' });

test('siqa: the official zip as distributed (33,410 train / 1,954 dev) and the extracted dev files agree', { skip: real ? false : 'LAB_REAL_DATA unset: needs the real socialiqa-train-dev.zip' }, async () => {
  const train = await readSiqa(real!, 'train');
  const dev = await readSiqa(real!, 'validation');
  assert.equal(train.length, 33410);
  assert.equal(dev.length, 1954);
  assert.deepEqual(dev[0], {
    context: "Tracy didn't go home that evening and resisted Riley's attacks.", question: 'What does Tracy need to do before this?',
    answerA: 'make a new plan', answerB: 'Go home and see Riley', answerC: 'Find somewhere to go', label: 3,
  });
  // the same rows from the extracted files (a folder without the zip)
  const plain = join(dir, 'plain');
  mkdirSync(join(plain, 'siqa'), { recursive: true });
  for (const f of ['dev.jsonl', 'dev-labels.lst']) writeFileSync(join(plain, "siqa", f), readFileSync(join(real!, "siqa", f)));
  assert.deepEqual(await readSiqa(plain, 'validation'), dev);
});


test('siqa: zip fixture in the official layout; bad rows and labels are named by file and row', async () => {
  const d = join(dir, 'zip');
  mkdirSync(join(d, 'siqa'), { recursive: true });
  const zip = (jsonl: string, labels: string) => zipSync({
    'socialiqa-train-dev/dev.jsonl': strToU8(jsonl), 'socialiqa-train-dev/dev-labels.lst': strToU8(labels),
    'socialiqa-train-dev/train.jsonl': strToU8(`${row('t')}\n`), 'socialiqa-train-dev/train-labels.lst': strToU8('2\n'),
  });
  writeFileSync(join(d, 'siqa/socialiqa-train-dev.zip'), zip(`${row('x')}\n${row('y')}\n`, '1\n3\n'));
  assert.deepEqual((await readSiqa(d, 'validation')).map((r) => [r.context, r.label]), [['x', 1], ['y', 3]]);
  assert.equal((await readSiqa(d, 'train'))[0]!.label, 2);
  writeFileSync(join(d, 'siqa/socialiqa-train-dev.zip'), zip(`${row('x')}\n{"context": "y", "question": 1}\n`, '1\n3\n'));
  await assert.rejects(async () => readSiqa(d, 'validation'), /socialiqa-train-dev\.zip!socialiqa-train-dev\/dev\.jsonl: row 2: field 'question' must be a string/);
  writeFileSync(join(d, 'siqa/socialiqa-train-dev.zip'), zip(`${row('x')}\n${row('y')}\n`, '1\n4\n'));
  await assert.rejects(async () => readSiqa(d, 'validation'), /dev-labels\.lst: row 2: label out of range: 4/);
  writeFileSync(join(d, 'siqa/socialiqa-train-dev.zip'), zip(`${row('x')}\n`, '1\n2\n'));
  await assert.rejects(async () => readSiqa(d, 'validation'), /2 labels for 1 rows/);
  writeFileSync(join(d, 'siqa/socialiqa-train-dev.zip'), 'not a zip');
  await assert.rejects(async () => readSiqa(d, 'validation'), /socialiqa-train-dev\.zip: not a readable zip/);
});
