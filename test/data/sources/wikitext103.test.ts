import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { streamWikitextDocuments } from '../../../kernel-lib/data/sources/wikitext103.ts';

const real = process.env.LAB_REAL_DATA;
const dir = mkdtempSync(join(tmpdir(), 'lab-wt-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
async function all<T>(it: AsyncIterable<T>): Promise<T[]> { const out: T[] = []; for await (const x of it) out.push(x); return out; }

// The original raw layout: every line starts with a space, ` = Title = ` starts an article,
// ` = = Section = = ` stays inside it, blank lines are ` `.
const RAW = [' ', ' = Valkyria Chronicles III = ', ' ', ' Senjō no Valkyria 3 is a game . ', ' ', ' = = Gameplay = = ', ' ',
  ' As with previous games . ', ' ', ' = Tower Building = ', ' ', ' The building is tall . ', ' '];

test('wikitext103: raw file split into documents at top-level headings only; Hub line parquet gives the same', async () => {
  mkdirSync(join(dir, 'a/wikitext103'), { recursive: true });
  writeFileSync(join(dir, 'a/wikitext103/wiki.valid.raw'), RAW.join('\n') + '\n');
  const docs = await all(streamWikitextDocuments(join(dir, 'a'), 'validation'));
  assert.deepEqual(docs.map((d) => d.title), ['Valkyria Chronicles III', 'Tower Building']);
  assert.equal(docs[0]!.text, RAW.slice(1, 9).join('\n').trimEnd());
  assert.equal(docs[1]!.text, ' = Tower Building = \n \n The building is tall .');
  // Salesforce/wikitext parquet: one row per line, each with its '\n'
  mkdirSync(join(dir, 'b/wikitext103/wikitext-103-raw-v1'), { recursive: true });
  writeFileSync(join(dir, 'b/wikitext103/wikitext-103-raw-v1/validation-00000-of-00001.parquet'), new Uint8Array(parquetWriteBuffer({
    columnData: [{ name: 'text', data: RAW.map((l) => (l === ' ' ? '' : `${l}\n`)), type: 'STRING' }],
  })));
  const fromParquet = await all(streamWikitextDocuments(join(dir, 'b'), 'validation'));
  assert.deepEqual(fromParquet.map((d) => d.title), ['Valkyria Chronicles III', 'Tower Building']);
  await assert.rejects(all(streamWikitextDocuments(join(dir, 'a'), 'test')), /wikitext103: no data file/);
});

test('wikitext: the real WikiText-2 test file has 62 documents (EleutherAI/wikitext_document_level test)', { skip: real ? false : 'LAB_REAL_DATA unset: needs the real wiki.test.raw' }, async () => {
  const docs = await all(streamWikitextDocuments(real!, 'test', 'wikitext2'));
  assert.equal(docs.length, 62);
  assert.equal(docs[0]!.title, 'Robert Boulter');
});
