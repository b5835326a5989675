import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { streamWikipedia } from '../../../kernel-lib/data/sources/wikipedia.ts';

const dir = mkdtempSync(join(tmpdir(), 'lab-wiki-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
async function all<T>(it: AsyncIterable<T>): Promise<T[]> { const out: T[] = []; for await (const x of it) out.push(x); return out; }

// Two shards in the Hub layout (wikimedia/wikipedia 20231101.en: id, url, title, text), several row groups each.
function shard(from: number, n: number): Uint8Array {
  const ids = Array.from({ length: n }, (_, i) => String(from + i));
  return new Uint8Array(parquetWriteBuffer({
    columnData: [
      { name: 'id', data: ids, type: 'STRING' }, { name: 'url', data: ids.map((i) => `https://en.wikipedia.org/wiki?curid=${i}`), type: 'STRING' },
      { name: 'title', data: ids.map((i) => `T${i}`), type: 'STRING' }, { name: 'text', data: ids.map((i) => `text ${i}`), type: 'STRING' },
    ],
    rowGroupSize: 64,
  }));
}

test('wikipedia: deterministic hash subset of N rows across shards and row groups', async () => {
  const d = join(dir, 'wikipedia/20231101.en');
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'train-00000-of-00002.parquet'), shard(0, 300));
  writeFileSync(join(d, 'train-00001-of-00002.parquet'), shard(300, 200));
  const everything = await all(streamWikipedia(dir, { rows: 0 }));
  assert.equal(everything.length, 500);
  assert.deepEqual(everything[321], { id: '321', title: 'T321', text: 'text 321' });
  const sub = await all(streamWikipedia(dir, { rows: 100 }));
  // independent rule: keep id when sha256("0:<id>")[0:8] / 2^32 < 1.05 * 100 / 500, in file order, first 100
  const expected = everything.filter((r) => parseInt(createHash('sha256').update(`0:${r.id}`).digest('hex').slice(0, 8), 16) / 2 ** 32 < 1.05 * 100 / 500).slice(0, 100);
  assert.deepEqual(sub, expected);
  assert.ok(sub.length > 80 && sub.length <= 100);
  assert.deepEqual(await all(streamWikipedia(dir, { rows: 100 })), sub);
  assert.notDeepEqual((await all(streamWikipedia(dir, { rows: 100, seed: 1 }))).map((r) => r.id), sub.map((r) => r.id));
  await assert.rejects(all(streamWikipedia(join(dir, 'none'), {})), /wikipedia: no folder/);
  // a row without text is named by shard file and row
  const bad = join(dir, 'bad/wikipedia/20231101.en');
  mkdirSync(bad, { recursive: true });
  writeFileSync(join(bad, 'train-00000-of-00001.parquet'), new Uint8Array(parquetWriteBuffer({
    columnData: [
      { name: 'id', data: ['1', '2'], type: 'STRING' }, { name: 'url', data: ['u', 'u'], type: 'STRING' },
      { name: 'title', data: ['a', 'b'], type: 'STRING' }, { name: 'text', data: ['ok', null], type: 'STRING' },
    ],
  })));
  await assert.rejects(all(streamWikipedia(join(dir, 'bad'), { rows: 0 })), /train-00000-of-00001\.parquet: row 2: missing field 'text'/);
});
