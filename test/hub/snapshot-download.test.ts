/**
 * snapshotDownload / listRepoFiles / listParquetFiles against the loopback hub
 * (test/helpers/hub-server.ts): pattern filtering, the pinned commit snapshot folder, offline reuse,
 * dataset repos and the parquet-conversion revision `refs/convert/parquet`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHubServer, type HubServer } from '../helpers/hub-server.ts';
import { hubDownload } from '../../kernel-lib/hub/hub-download.ts';
import { listParquetFiles, listRepoFiles, snapshotDownload } from '../../kernel-lib/hub/snapshot-download.ts';

const tmp = (p: string): string => mkdtempSync(join(tmpdir(), p));
let hub: HubServer;

before(async () => {
  const repoDir = tmp('hub-repo-');
  const dataDir = tmp('hub-data-');
  writeFileSync(join(repoDir, 'config.json'), '{"model_type": "gpt2"}\n');
  writeFileSync(join(repoDir, 'model.safetensors'), Buffer.alloc(20_000, 7));
  mkdirSync(join(repoDir, 'sub'));
  writeFileSync(join(repoDir, 'sub', 'notes.txt'), 'hello');
  mkdirSync(join(dataDir, 'default', 'train'), { recursive: true });
  writeFileSync(join(dataDir, 'default', 'train', '0000.parquet'), Buffer.from('PAR1 fake PAR1'));
  hub = await startHubServer({ repos: { 'org/tiny': repoDir, 'datasets/org/data': dataDir } });
});
after(async () => { await hub.close(); });

test('snapshotDownload with patterns, repo listing, dataset repos and the parquet listing', async () => {
  const cacheDir = tmp('hub-cache-');
  const s = { endpoint: hub.endpoint, cacheDir, offline: false, token: null };
  const listing = await listRepoFiles('org/tiny', { settings: s });
  assert.equal(listing.commit, hub.commitOf('org/tiny'));
  assert.deepEqual([...listing.files].sort(), ['config.json', 'model.safetensors', 'sub/notes.txt']);
  const dir = await snapshotDownload('org/tiny', { settings: s, allowPatterns: ['*.json', '*.safetensors'] });
  assert.equal(dir, join(cacheDir, 'models--org--tiny', 'snapshots', listing.commit));
  assert.deepEqual(readdirSync(dir).sort(), ['config.json', 'model.safetensors']);
  assert.equal(await snapshotDownload('org/tiny', { settings: { ...s, offline: true } }), dir);
  assert.equal(await snapshotDownload('org/tiny', { settings: { ...s, endpoint: 'http://127.0.0.1:9' } }), dir, 'unreachable hub: the cached snapshot');
  await assert.rejects(snapshotDownload('org/none', { settings: { ...s, endpoint: 'http://127.0.0.1:9' } }), /org\/none@main: the hub at http:\/\/127\.0\.0\.1:9 is unreachable .* and no snapshot in the hub cache/);
  const urls = await listParquetFiles('org/data', 'default', 'train', { settings: s });
  assert.deepEqual(urls, [`${hub.endpoint}/api/datasets/org/data/parquet/default/train/0.parquet`]);
  const pq = await hubDownload('org/data', 'default/train/0000.parquet', { settings: s, repoType: 'dataset', revision: 'refs/convert/parquet' });
  assert.equal(readFileSync(pq, 'utf8'), 'PAR1 fake PAR1');
  assert.ok(pq.startsWith(join(cacheDir, 'datasets--org--data', 'snapshots')));
  assert.ok(existsSync(join(cacheDir, 'datasets--org--data', 'refs', 'refs', 'convert', 'parquet')));
});
