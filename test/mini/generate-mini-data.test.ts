import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { generateMiniData, loadCorpus } from '../../kernel-lib/index.ts';
import { readMiniManifest } from '../../kernel-lib/mini/generate-mini-data.ts';
import { mmluSubjects } from '../../kernel-lib/mini/eval-tasks.ts';
import { readPiqa } from '../../kernel-lib/data/sources/piqa.ts';
import { readOpenBookQa } from '../../kernel-lib/data/sources/openbookqa.ts';
import { readHellaSwag } from '../../kernel-lib/data/sources/hellaswag.ts';
import { readCsv } from '../../kernel-lib/data/formats/csv.ts';
import { readTsv } from '../../kernel-lib/data/formats/tsv.ts';

const root = mkdtempSync(join(tmpdir(), 'lab-mini-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => { const p = join(dir, n); return statSync(p).isDirectory() ? listFiles(p) : [p]; });
}

test('mini data: default profile generated in < 60 s, in the publishers\' layouts, readable by the eval readers', async () => {
  const t0 = Date.now();
  const dir = generateMiniData({ outDir: join(root, 'full') });
  const seconds = (Date.now() - t0) / 1000;
  assert.ok(seconds < 60, `generation took ${seconds} s`);
  const files = listFiles(dir).map((p) => relative(dir, p));
  for (const f of ['siqa/train.jsonl', 'siqa/dev-labels.lst', 'piqa/valid.jsonl', 'piqa/train-labels.lst', 'openbookqa/Main/test.jsonl',
    'hotpotqa/hotpot_dev_distractor_v1.json', 'billsum/us_train_data_final_OFFICIAL.jsonl', 'hellaswag/hellaswag_val.jsonl',
    'glue/CoLA/dev.tsv', 'glue/SST-2/dev.tsv', 'glue/MRPC/dev.tsv', 'glue/QNLI/dev.tsv', 'glue/QQP/dev.tsv', 'glue/RTE/dev.tsv',
    'glue/WNLI/dev.tsv', 'glue/MNLI/dev_matched.tsv', 'glue/MNLI/dev_mismatched.tsv', 'wikitext2/wiki.test.raw',
    'wikitext103/wiki.train.raw', 'MANIFEST.json']) assert.ok(files.includes(f), `missing ${f}`);
  for (const s of ['dev', 'val', 'test']) assert.equal(files.filter((f) => f.startsWith(`mmlu/${s}/`)).length, 57);
  // the evaluation harness's readers accept the files
  const piqa = await readPiqa(dir, 'validation');
  assert.equal(piqa.length, 500);
  assert.equal((await readOpenBookQa(dir, 'test')).length, 500);
  const hellaswag = await readHellaSwag(dir, 'validation');
  assert.equal(hellaswag.length, 500);
  // minimal pairs: every wrong ending is the right one with exactly one adjacent pair of words
  // swapped (so the same words, the same length), each HellaSwag distractor at its own position
  const swapAt = (right: string, wrong: string): number => {
    const r = right.split(' '), w = wrong.split(' ');
    const diff = r.map((x, i) => (x === w[i] ? -1 : i)).filter((i) => i >= 0);
    assert.equal(w.length, r.length, `${wrong} vs ${right}`);
    assert.ok(diff.length === 2 && diff[1] === diff[0]! + 1 && r[diff[0]!] === w[diff[1]!] && r[diff[1]!] === w[diff[0]!], `not one adjacent swap: "${wrong}" vs "${right}"`);
    return diff[1]!;
  };
  for (const r of piqa) swapAt(r.label === 0 ? r.sol1 : r.sol2, r.label === 0 ? r.sol2 : r.sol1);
  for (const r of hellaswag) {
    const at = r.endings.filter((_, k) => k !== r.label).map((e) => swapAt(r.endings[r.label]!, e));
    assert.equal(new Set(at).size, 3, `row ${r.ind}: two distractors swap the same position`);
  }
  // no held-out context is drawn twice (it was ~7% at 500 rows before sentences were drawn once)
  assert.equal(new Set(piqa.map((r) => r.goal)).size, 500);
  assert.equal(new Set(hellaswag.map((r) => r.ctx)).size, 500);
  const mmlu = readCsv(join(dir, 'mmlu/test', `${mmluSubjects[0]}_test.csv`));
  assert.equal(mmlu.length, 9);
  assert.ok(mmlu.every((r) => r.fields.length === 6 && /^[ABCD]$/.test(r.fields[5]!)));
  // subject 1 asks the 'order' kind: one option is a passage's words as written, three are minimal pairs of it
  const order = readCsv(join(dir, 'mmlu/test', `${mmluSubjects[1]}_test.csv`));
  for (const { fields } of order) {
    const right = fields[1 + 'ABCD'.indexOf(fields[5]!)]!;
    assert.equal(new Set(fields.slice(1, 5).filter((o) => o !== right).map((o) => swapAt(right, o))).size, 3);
  }
  assert.equal(readTsv(join(dir, 'glue/CoLA/dev.tsv'), false).rows.length, 200);
  assert.deepEqual(readTsv(join(dir, 'glue/MRPC/dev.tsv'), true).header, ['Quality', '#1 ID', '#2 ID', '#1 String', '#2 String']);
  // chance levels: recomputed here from the written labels
  const m = readMiniManifest(dir);
  const piqaInfo = m.files.find((f) => f.file === 'piqa/valid.jsonl')!;
  const ones = piqa.filter((r) => r.label === 1).length;
  assert.equal(piqaInfo.chance, 0.5);
  assert.equal(piqaInfo.majority, Math.max(ones, 500 - ones) / 500);
  assert.equal(m.files.find((f) => f.file === 'hellaswag/hellaswag_val.jsonl')!.chance, 0.25);
  assert.equal(m.files.find((f) => f.file === 'glue/MNLI/dev_matched.tsv')!.chance, 1 / 3);
  // held-out documents are never train documents, per task
  for (const task of new Set(m.files.map((f) => f.task))) {
    const train = new Set(m.files.filter((f) => f.task === task && f.side === 'train').flatMap((f) => f.docs));
    const held = m.files.filter((f) => f.task === task && f.side === 'heldout').flatMap((f) => f.docs);
    assert.ok(train.size > 0 && held.length > 0, task);
    assert.deepEqual(held.filter((d) => train.has(d)), [], `${task}: shared documents`);
  }
  // independent check on the text itself: held-out PIQA goals and HellaSwag contexts occur in no train document
  const trainText = loadCorpus('train').map((d) => d.text.replace(/\s+/g, ' '));
  const heldText = [...loadCorpus('validation'), ...loadCorpus('test')].map((d) => d.text.replace(/\s+/g, ' '));
  const hs = (await readHellaSwag(dir, 'validation')).slice(0, 15).map((r) => r.ctx_a);
  for (const s of [...piqa.slice(0, 15).map((r) => r.goal), ...hs]) {
    assert.ok(heldText.some((t) => t.includes(s)), `held-out text found in held-out documents: ${s}`);
    assert.ok(!trainText.some((t) => t.includes(s)), `held-out text found in a train document: ${s}`);
  }
  // a second call with the same config returns the cached folder at once
  const t1 = Date.now();
  assert.equal(generateMiniData({ outDir: dir }), dir);
  assert.ok(Date.now() - t1 < 1000);
});

test('mini data: same seed -> byte-identical files; another seed -> different rows', () => {
  const small = { trainRows: 30, evalRows: 20, glueEvalRows: 20, mmluDev: 1, mmluVal: 1, mmluTest: 1 };
  const a = generateMiniData({ ...small, outDir: join(root, 'a') });
  const b = generateMiniData({ ...small, outDir: join(root, 'b') });
  const c = generateMiniData({ ...small, seed: 1, outDir: join(root, 'c') });
  const fa = listFiles(a).map((p) => relative(a, p)).sort();
  assert.deepEqual(listFiles(b).map((p) => relative(b, p)).sort(), fa);
  for (const f of fa) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f);
  assert.notDeepEqual(readFileSync(join(a, 'piqa/valid.jsonl')), readFileSync(join(c, 'piqa/valid.jsonl')));
  assert.throws(() => generateMiniData({ trainRows: 0, outDir: join(root, 'd') }), /'trainRows'/);
});
