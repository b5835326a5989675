/**
 * Hub downloads through the real code path against the loopback hub (test/helpers/hub-server.ts):
 * cache layout of huggingface_hub (blobs / snapshots / refs), LFS redirects, resume with Range after
 * a dropped connection, sha256 and size checks, corrupt cache entries, offline mode, HF_TOKEN.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHubServer, type HubServer } from '../helpers/hub-server.ts';
import { hubDownload, HubNotFoundError } from '../../kernel-lib/hub/hub-download.ts';
import { snapshotDownload } from '../../kernel-lib/hub/snapshot-download.ts';

const tmp = (p: string): string => mkdtempSync(join(tmpdir(), p));
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let hub: HubServer;
let authHub: HubServer;
const repoDir = tmp('hub-repo-');
const dataDir = tmp('hub-data-');
const weights = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7919) & 0xff));
const config = Buffer.from('{"model_type": "gpt2"}\n');

before(async () => {
  writeFileSync(join(repoDir, 'config.json'), config);
  writeFileSync(join(repoDir, 'model.safetensors'), weights);
  mkdirSync(join(repoDir, 'sub'));
  writeFileSync(join(repoDir, 'sub', 'notes.txt'), 'hello');
  mkdirSync(join(dataDir, 'default', 'train'), { recursive: true });
  writeFileSync(join(dataDir, 'default', 'train', '0000.parquet'), Buffer.from('PAR1 fake PAR1'));
  hub = await startHubServer({ repos: { 'org/tiny': repoDir, 'datasets/org/data': dataDir } });
  authHub = await startHubServer({ repos: { 'org/gated': repoDir }, token: 'hf_secret' });
});
after(async () => { await hub.close(); await authHub.close(); });

test('downloads into the huggingface_hub cache layout; a second call only asks for metadata', async () => {
  const cacheDir = tmp('hub-cache-');
  const s = { endpoint: hub.endpoint, cacheDir, offline: false, token: null };
  const commit = hub.commitOf('org/tiny');
  const cfg = await hubDownload('org/tiny', 'config.json', { settings: s });
  const st = await hubDownload('org/tiny', 'model.safetensors', { settings: s });
  const base = join(cacheDir, 'models--org--tiny');
  assert.equal(st, join(base, 'snapshots', commit, 'model.safetensors'));
  assert.equal(readFileSync(join(base, 'refs', 'main'), 'utf8'), commit);
  assert.ok(lstatSync(st).isSymbolicLink());
  assert.equal(readlinkSync(st), `../../blobs/${sha256(weights)}`);         // LFS blob named by its sha256
  assert.deepEqual(readFileSync(st), weights);
  assert.deepEqual(readFileSync(cfg), config);
  const gitSha1 = createHash('sha1').update(`blob ${config.length}\0`).update(config).digest('hex');
  assert.ok(existsSync(join(base, 'blobs', gitSha1)), 'non-LFS blob named by its git sha1 ETag');
  const nested = await hubDownload('org/tiny', 'sub/notes.txt', { settings: s });
  assert.equal(readFileSync(nested, 'utf8'), 'hello');
  const n = hub.requests.length;
  await hubDownload('org/tiny', 'model.safetensors', { settings: s });
  assert.deepEqual(hub.requests.slice(n).map((r) => r.method), ['HEAD'], 'cached: no body fetched');
  await assert.rejects(hubDownload('org/tiny', 'nope.json', { settings: s }), (e: unknown) => e instanceof HubNotFoundError && /org\/tiny\/nope\.json@main: not found/.test(String(e)));
  await assert.rejects(hubDownload('org/tiny', '../x', { settings: s }), /not a file path inside a repo/);
});

test('a dropped connection is resumed with Range, and an .incomplete file left by an earlier run is continued', async () => {
  const cacheDir = tmp('hub-cache-');
  const s = { endpoint: hub.endpoint, cacheDir, offline: false, token: null };
  hub.dropNext(12_345);
  const n = hub.requests.length;
  const p = await hubDownload('org/tiny', 'model.safetensors', { settings: s });
  assert.deepEqual(readFileSync(p), weights);
  const ranges = hub.requests.slice(n).filter((r) => r.path.startsWith('/cdn/')).map((r) => r.range);
  assert.deepEqual(ranges, [null, 'bytes=12345-']);
  // across processes: a partial blob on disk
  const cache2 = tmp('hub-cache-');
  const blobs = join(cache2, 'models--org--tiny', 'blobs');
  mkdirSync(blobs, { recursive: true });
  writeFileSync(join(blobs, `${sha256(weights)}.incomplete`), weights.subarray(0, 30_000));
  const m = hub.requests.length;
  const p2 = await hubDownload('org/tiny', 'model.safetensors', { settings: { ...s, cacheDir: cache2 } });
  assert.deepEqual(readFileSync(p2), weights);
  assert.deepEqual(hub.requests.slice(m).filter((r) => r.path.startsWith('/cdn/')).map((r) => r.range), ['bytes=30000-']);
  assert.deepEqual(readdirSync(blobs), [sha256(weights)]);
});

test('sha256 mismatch is detected and nothing is kept; a corrupt cached blob is fetched again', async () => {
  const cacheDir = tmp('hub-cache-');
  const s = { endpoint: hub.endpoint, cacheDir, offline: false, token: null };
  hub.corruptNext();
  await assert.rejects(hubDownload('org/tiny', 'model.safetensors', { settings: s }), new RegExp(`org/tiny/model\\.safetensors@main: sha256 mismatch \\(expected ${sha256(weights)}, got [0-9a-f]{64}\\)`));
  const blobs = join(cacheDir, 'models--org--tiny', 'blobs');
  assert.deepEqual(readdirSync(blobs), [], 'no blob and no .incomplete left');
  const p = await hubDownload('org/tiny', 'model.safetensors', { settings: s });
  assert.deepEqual(readFileSync(p), weights);
  // truncated in the cache: size differs from X-Linked-Size -> re-fetched
  truncateSync(p, 100);
  assert.deepEqual(readFileSync(await hubDownload('org/tiny', 'model.safetensors', { settings: s })), weights);
  // same size, flipped byte: found by verify 'full'
  const bad = Buffer.from(weights); bad[5] ^= 1;
  writeFileSync(p, bad);
  assert.deepEqual(readFileSync(await hubDownload('org/tiny', 'model.safetensors', { settings: s, verify: 'full' })), weights);
});

test('offline mode resolves from the cache without any request, or fails naming the file', async () => {
  const cacheDir = tmp('hub-cache-');
  const online = { endpoint: hub.endpoint, cacheDir, offline: false, token: null };
  await hubDownload('org/tiny', 'config.json', { settings: online });
  const n = hub.requests.length;
  const offline = { ...online, offline: true };
  const p = await hubDownload('org/tiny', 'config.json', { settings: offline });
  assert.deepEqual(readFileSync(p), config);
  await assert.rejects(hubDownload('org/tiny', 'model.safetensors', { settings: offline }), /org\/tiny\/model\.safetensors@main: offline mode \(LAB_OFFLINE \/ HF_HUB_OFFLINE\), and the file is not in the hub cache/);
  await assert.rejects(snapshotDownload('org/other', { settings: offline }), /org\/other@main: offline mode .* no snapshot in the hub cache/);
  assert.equal(hub.requests.length, n, 'no network access offline');
  // LAB_OFFLINE=1 from the environment
  process.env.LAB_OFFLINE = '1';
  try {
    await assert.rejects(hubDownload('org/tiny', 'model.safetensors', { settings: { endpoint: hub.endpoint, cacheDir } }), /offline mode/);
  } finally { delete process.env.LAB_OFFLINE; }
  // unreachable endpoint: falls back to the cache
  const p2 = await hubDownload('org/tiny', 'config.json', { settings: { ...online, endpoint: 'http://127.0.0.1:9' } });
  assert.equal(p2, p);
});

test('HF_TOKEN is sent as a Bearer token; without it a gated repo is refused with a hint', async () => {
  const cacheDir = tmp('hub-cache-');
  await assert.rejects(hubDownload('org/gated', 'config.json', { settings: { endpoint: authHub.endpoint, cacheDir, token: null } }), /org\/gated\/config\.json@main: the hub refused access \(HTTP 401\); set HF_TOKEN/);
  process.env.HF_TOKEN = 'hf_secret';
  try {
    const p = await hubDownload('org/gated', 'model.safetensors', { settings: { endpoint: authHub.endpoint, cacheDir } });
    assert.deepEqual(readFileSync(p), weights);
  } finally { delete process.env.HF_TOKEN; }
  assert.ok(authHub.requests.filter((r) => r.path.includes('/resolve/')).every((r) => r.auth === 'Bearer hf_secret' || r.auth === null));
  assert.equal(authHub.requests.filter((r) => r.path.includes('/resolve/')).at(-1)!.auth, 'Bearer hf_secret');
});

test('concurrent downloads of one file share a lock: the body is fetched once', async () => {
  const cacheDir = tmp('hub-cache-');
  const s = { endpoint: hub.endpoint, cacheDir, offline: false, token: null };
  const n = hub.requests.length;
  const [a, b] = await Promise.all([hubDownload('org/tiny', 'model.safetensors', { settings: s }), hubDownload('org/tiny', 'model.safetensors', { settings: s })]);
  assert.equal(a, b);
  assert.deepEqual(readFileSync(a), weights);
  assert.equal(hub.requests.slice(n).filter((r) => r.path.startsWith('/cdn/')).length, 1);
  assert.deepEqual(readdirSync(join(cacheDir, '.locks', 'models--org--tiny')), [], 'lock released');
});
