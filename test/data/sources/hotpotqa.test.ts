import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { streamHotpotQa } from '../../../kernel-lib/data/sources/hotpotqa.ts';
import { streamJsonArray } from '../../../kernel-lib/data/sources/json-array-stream.ts';

const real = process.env.LAB_REAL_DATA;
const dir = mkdtempSync(join(tmpdir(), 'lab-hotpot-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function all<T>(it: AsyncIterable<T>): Promise<T[]> { const out: T[] = []; for await (const x of it) out.push(x); return out; }

const el = (id: string) => ({
  _id: id, question: 'Q "quoted" [x] {y}?', answer: 'A, B', type: 'bridge', level: 'easy',
  supporting_facts: [['T1', 0]], context: [['T1', ['S ]0.', ' S1 \\ \u00e9']], ['T2', ['x']]],
});

test('json array stream: elements across tiny chunks, strings with brackets/escapes, errors name the element', async () => {
  const p = join(dir, 'a.json');
  const values = [el('1'), 2, 'x,]', [1, [2]], null, el('☃')];
  writeFileSync(p, ` \n[${values.map((v) => JSON.stringify(v, null, 1)).join(' ,\n')}]\n`);
  for (const chunk of [1, 3, 7, 1 << 20]) {
    const got = await all(streamJsonArray(p, chunk));
    assert.deepEqual(got.map((g) => g.value), values, `chunk ${chunk}`);
    assert.deepEqual(got.map((g) => g.index), [1, 2, 3, 4, 5, 6]);
  }
  writeFileSync(p, '[]');
  assert.deepEqual(await all(streamJsonArray(p)), []);
  writeFileSync(p, `[${JSON.stringify(el('1'))}, {"a": tru}]`);
  await assert.rejects(all(streamJsonArray(p)), /a\.json: row 2: array element 2 is not valid JSON/);
  writeFileSync(p, `[${JSON.stringify(el('1'))}, {"a": 1`);
  await assert.rejects(all(streamJsonArray(p)), /truncated/);
  writeFileSync(p, '{"a": 1}');
  await assert.rejects(all(streamJsonArray(p)), /expected a JSON array/);
  writeFileSync(p, '[1,,2]');
  await assert.rejects(all(streamJsonArray(p)), /row 2: unexpected ','/);
});

test('hotpotqa: original JSON array and Hub parquet give the same rows; bad rows named', async () => {
  const d = join(dir, 'fx');
  mkdirSync(join(d, 'hotpotqa/distractor/validation'), { recursive: true });
  writeFileSync(join(d, 'hotpotqa/hotpot_train_v1.1.json'), JSON.stringify([el('a'), el('b')]));
  const rows = await all(streamHotpotQa(d, 'train'));
  assert.deepEqual(rows[1], {
    id: 'b', question: 'Q "quoted" [x] {y}?', answer: 'A, B', type: 'bridge', level: 'easy',
    supportingFacts: [['T1', 0]], context: [['T1', ['S ]0.', ' S1 \\ \u00e9']], ['T2', ['x']]],
  });
  writeFileSync(join(d, 'hotpotqa/distractor/validation/0000.parquet'), new Uint8Array(parquetWriteBuffer({
    columnData: [
      { name: 'id', data: ['a'], type: 'STRING' }, { name: 'question', data: [el('a').question], type: 'STRING' },
      { name: 'answer', data: ['A, B'], type: 'STRING' }, { name: 'type', data: ['bridge'], type: 'STRING' },
      { name: 'level', data: ['easy'], type: 'STRING' },
      { name: 'supporting_facts', data: [{ title: ['T1'], sent_id: [0] }] },
      { name: 'context', data: [{ title: ['T1', 'T2'], sentences: [['S ]0.', ' S1 \\ \u00e9'], ['x']] }] },
    ],
  })));
  assert.deepEqual(await all(streamHotpotQa(d, 'validation')), [rows[0]]);
  writeFileSync(join(d, 'hotpotqa/hotpot_train_v1.1.json'), JSON.stringify([el('a'), { ...el('b'), supporting_facts: [['T1', 'zero']] }]));
  await assert.rejects(all(streamHotpotQa(d, 'train')), /hotpot_train_v1\.1\.json: row 2: supporting_facts entries/);
});

test('hotpotqa: the real distractor sample (97 rows) streams', { skip: real ? false : 'LAB_REAL_DATA unset: needs the real HotpotQA sample' }, async () => {
  const rows = (await all(streamJsonArray(join(real!, 'hotpotqa/hotpotqa_sample_97.json'), 4096))).map((e) => e.value as { _id: string });
  assert.equal(rows.length, 97);
  assert.equal(rows[0]!._id, '5a7574e25542996c70cfaf01');
  // through the source reader, under the original file name
  const d = join(dir, 'real');
  mkdirSync(join(d, 'hotpotqa'), { recursive: true });
  writeFileSync(join(d, 'hotpotqa/hotpot_dev_distractor_v1.json'), JSON.stringify(rows));
  const parsed = await all(streamHotpotQa(d, 'validation'));
  assert.equal(parsed.length, 97);
  assert.equal(parsed[0]!.answer, 'ibnʿArabī');
  assert.deepEqual(parsed[0]!.supportingFacts, [['Mahbub ul Haq', 0], ['Ibn Arabi', 0]]);
});
