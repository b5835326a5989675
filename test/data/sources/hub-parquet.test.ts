/**
 * The hub path of the eval sources against the loopback hub (test/helpers/hub-server.ts): the
 * parquet files are downloaded into the hub cache, read with hyparquet, validated; offline, the
 * cache answers. Parquet files are written by hyparquet-writer in the hub's column layout.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { startHubServer, type HubServer } from '../../helpers/hub-server.ts';
import { readPiqaHub } from '../../../kernel-lib/data/sources/piqa.ts';
import { readWikiText2Hub } from '../../../kernel-lib/data/sources/wikitext2.ts';
import { getTask } from '../../../kernel-lib/index.ts';

let hub: HubServer | undefined;
after(async () => { await hub?.close(); });

test('piqa and wikitext from hub parquet, then offline from the cache', async () => {
  const piqaDir = mkdtempSync(join(tmpdir(), 'hub-piqa-'));
  writeFileSync(join(piqaDir, 'piqa_validation.parquet'), new Uint8Array(parquetWriteBuffer({ columnData: [
    { name: 'goal', data: ['Open a jar', 'Dry shoes'], type: 'STRING' },
    { name: 'sol1', data: ['twist', 'paper'], type: 'STRING' },
    { name: 'sol2', data: ['bake', 'water'], type: 'STRING' },
    { name: 'label', data: [0n, 0n], type: 'INT64' },
  ] })));
  const wtDir = mkdtempSync(join(tmpdir(), 'hub-wt-'));
  mkdirSync(join(wtDir, 'wikitext-2-raw-v1'));
  writeFileSync(join(wtDir, 'wikitext-2-raw-v1/wikitext-2-raw-v1-test.parquet'), new Uint8Array(parquetWriteBuffer({ columnData: [
    { name: 'page', data: [' = A = \n text @-@ here . \n'], type: 'STRING' },
  ] })));
  hub = await startHubServer({ repos: { 'datasets/baber/piqa': piqaDir, 'datasets/EleutherAI/wikitext_document_level': wtDir } });
  process.env.HF_ENDPOINT = hub.endpoint;
  process.env.HF_HUB_CACHE = mkdtempSync(join(tmpdir(), 'hub-cache-'));
  delete process.env.LAB_OFFLINE;
  const rows = await readPiqaHub('validation');
  assert.deepEqual(rows[1], { goal: 'Dry shoes', sol1: 'paper', sol2: 'water', label: 0 });
  const pages = await getTask('wikitext').data.loadHub();
  assert.deepEqual(pages, [{ page: ' = A = \n text @-@ here . \n' }]);
  process.env.LAB_OFFLINE = '1';
  const before = hub.requests.length;
  assert.deepEqual(await readPiqaHub('validation'), rows);
  assert.deepEqual(await readWikiText2Hub('test'), pages);
  assert.equal(hub.requests.length, before, 'offline: no request reached the hub');
  delete process.env.LAB_OFFLINE;
  // a broken parquet on the hub fails naming the cached file
  writeFileSync(join(piqaDir, 'piqa_validation.parquet'), 'not parquet');
  await assert.rejects(readPiqaHub('validation'), /piqa_validation\.parquet: unreadable parquet/);
});
