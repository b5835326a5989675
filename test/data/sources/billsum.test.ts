import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { streamBillsum } from '../../../kernel-lib/data/sources/billsum.ts';

const dir = mkdtempSync(join(tmpdir(), 'lab-billsum-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
async function all<T>(it: AsyncIterable<T>): Promise<T[]> { const out: T[] = []; for await (const x of it) out.push(x); return out; }

// No real BillSum file is at hand: fixtures in the original jsonl layout (extra fields such as
// text_len / sum_len / bill_id are present in the release and ignored) and in the Hub parquet layout.
test('billsum: original jsonl and Hub parquet; bad rows named by file and line', async () => {
  mkdirSync(join(dir, 'a/billsum'), { recursive: true });
  const rows = [{ text: 'SECTION 1. SHORT TITLE.\n\nThis Act may be cited...', summary: 'Amends the Act.', title: 'To amend the Act.' },
    { text: 't2', summary: 's2', title: 'T2' }];
  writeFileSync(join(dir, 'a/billsum/us_train_data_final_OFFICIAL.jsonl'),
    rows.map((r, i) => JSON.stringify({ bill_id: `110_hr${i}`, ...r, text_len: r.text.length, sum_len: r.summary.length })).join('\n') + '\n');
  assert.deepEqual(await all(streamBillsum(join(dir, 'a'), 'train')), rows);
  mkdirSync(join(dir, 'b/billsum'), { recursive: true });
  writeFileSync(join(dir, 'b/billsum/test-00000-of-00001.parquet'), new Uint8Array(parquetWriteBuffer({
    columnData: ['text', 'summary', 'title'].map((k) => ({ name: k, data: rows.map((r) => r[k as keyof typeof r]), type: 'STRING' as const })),
  })));
  assert.deepEqual(await all(streamBillsum(join(dir, 'b'), 'test')), rows);
  writeFileSync(join(dir, 'a/billsum/us_test_data_final_OFFICIAL.jsonl'), `${JSON.stringify(rows[0])}\n{"text": "x", "title": "y"}\n`);
  await assert.rejects(all(streamBillsum(join(dir, 'a'), 'test')), /us_test_data_final_OFFICIAL\.jsonl: row 2: missing field 'summary'/);
  await assert.rejects(all(streamBillsum(join(dir, 'a'), 'ca_test')), /billsum: no data file .*billsum\/ca_test_data_final_OFFICIAL\.jsonl/);
});
