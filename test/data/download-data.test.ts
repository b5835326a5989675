import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { startHubServer } from '../helpers/hub-server.ts';
import { downloadDataset } from '../../kernel-lib/index.ts';
import { streamBillsum } from '../../kernel-lib/data/sources/billsum.ts';
import { readSiqa } from '../../kernel-lib/data/sources/siqa.ts';

const root = mkdtempSync(join(tmpdir(), 'lab-dl-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
async function all<T>(it: AsyncIterable<T>): Promise<T[]> { const out: T[] = []; for await (const x of it) out.push(x); return out; }

// A BillSum repo laid out as FiscalNote/billsum (data/<split>-00000-of-00001.parquet) and a SIQA parquet
// conversion (allenai/social_i_qa, refs/convert/parquet: default/<split>/0000.parquet, label "1".."3").
const bills = Array.from({ length: 400 }, (_, i) => ({ text: `SECTION 1. Bill ${i} text ${'x'.repeat(i % 50)}`, summary: `Summary ${i}.`, title: `Bill ${i}` }));
const billsum = join(root, 'repo-billsum');
mkdirSync(join(billsum, 'data'), { recursive: true });
for (const split of ['train', 'test', 'ca_test']) {
  writeFileSync(join(billsum, `data/${split}-00000-of-00001.parquet`), new Uint8Array(parquetWriteBuffer({
    columnData: (['text', 'summary', 'title'] as const).map((k) => ({ name: k, data: bills.map((b) => b[k]), type: 'STRING' as const })),
  })));
}
const siqa = join(root, 'repo-siqa');
for (const split of ['train', 'validation']) {
  mkdirSync(join(siqa, 'default', split), { recursive: true });
  writeFileSync(join(siqa, `default/${split}/0000.parquet`), new Uint8Array(parquetWriteBuffer({
    columnData: [
      ...(['context', 'question', 'answerA', 'answerB', 'answerC'] as const).map((k) => ({ name: k, data: [`${k} ${split}`], type: 'STRING' as const })),
      { name: 'label', data: ['2'], type: 'STRING' as const },
    ],
  })));
}

test('data download: Hub parquet into the hub cache, resumed after a dropped connection, readable through the data view', async () => {
  const hub = await startHubServer({ repos: { 'datasets/FiscalNote/billsum': billsum, 'datasets/allenai/social_i_qa': siqa } });
  try {
    const settings = { endpoint: hub.endpoint, cacheDir: join(root, 'cache') };
    const view = join(root, 'view');
    hub.dropNext(2000);
    assert.equal(await downloadDataset('billsum', { hub: { settings, progress: false }, dataDir: view }), view);
    assert.ok(hub.requests.some((r) => r.range?.startsWith('bytes=') && r.range !== 'bytes=0-'), 'resumed with a Range request');
    assert.deepEqual(await all(streamBillsum(view, 'train')), bills);
    const link = join(view, 'billsum/data/train-00000-of-00001.parquet');
    assert.ok(realpathSync(link).startsWith(realpathSync(settings.cacheDir)), 'the file lives in the hub cache');
    // a corrupt (truncated) cached blob is detected and fetched again
    truncateSync(realpathSync(link), 100);
    await downloadDataset('billsum', { hub: { settings, progress: false }, dataDir: view });
    assert.deepEqual(readFileSync(link), readFileSync(join(billsum, 'data/train-00000-of-00001.parquet')));
    // a body corrupted in transit fails its sha256 check, naming the file
    hub.corruptNext();
    await assert.rejects(downloadDataset('billsum', { hub: { settings: { ...settings, cacheDir: join(root, 'cache2') }, progress: false, retries: 1 }, dataDir: join(root, 'view2') }),
      /FiscalNote\/billsum\/data\/train-00000-of-00001\.parquet@main: sha256 mismatch/);
    // SIQA from the parquet conversion branch
    await downloadDataset('siqa', { hub: { settings, progress: false }, dataDir: view });
    assert.deepEqual(await readSiqa(view, 'validation'), [{
      context: 'context validation', question: 'question validation', answerA: 'answerA validation', answerB: 'answerB validation', answerC: 'answerC validation', label: 2,
    }]);
  } finally { await hub.close(); }
});
