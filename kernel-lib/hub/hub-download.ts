/**
 * hubDownload: one file of a hub repo into the HF_HOME cache (cache-layout.ts), as huggingface_hub's
 * hf_hub_download does: HEAD `{endpoint}/{repo}/resolve/{revision}/{path}` without following
 * redirects reads X-Repo-Commit, the ETag (X-Linked-Etag for LFS files, whose value is the sha256)
 * and the size (X-Linked-Size / Content-Length); the body is fetched from the redirect target
 * into `blobs/<etag>.incomplete`, resumed with `Range: bytes=<have>-` after a dropped connection
 * (also across processes), checked (size always, sha256 for LFS ETags), renamed into place and
 * linked from `snapshots/<commit>/<path>`. Offline (LAB_OFFLINE=1), the cache answers or the call
 * fails naming the file. A cached blob of the wrong size (or wrong sha256 with `verify: 'full'`)
 * is deleted and fetched again.
 */
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, symlinkSync, writeSync, fsyncSync, lstatSync, unlinkSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { writeFileAtomic } from '../runtime/files.ts';
import { createProgress } from '../runtime/progress.ts';
import { hubSettings, type HubSettings } from './hub-settings.ts';
import { cachedCommit, checkRepoPath, isSha256, normalizeEtag, repoCacheDir, repoFolderName, type RepoType } from './cache-layout.ts';
import { withFileLock } from './download-lock.ts';

export interface HubDownloadOptions {
  /** Branch, tag or commit (default 'main'). */
  readonly revision?: string;
  /** 'model' (default) or 'dataset'. */
  readonly repoType?: RepoType;
  /** Endpoint, token, offline flag and cache dir; defaults from the environment (hub-settings.ts). */
  readonly settings?: Partial<HubSettings>;
  /** 'size' (default): a cached blob is trusted if its size matches; 'full': also re-hash LFS blobs. */
  readonly verify?: 'size' | 'full';
  /** Attempts per file when the connection drops (each resumes where the last stopped). Default 5. */
  readonly retries?: number;
  /** Show a progress line (default true for files over 10 MB). */
  readonly progress?: boolean;
}

export const hubDownloadDefaults = {
  revision: 'main',          // the default branch, as on the hub
  repoType: 'model' as RepoType,
  verify: 'size' as 'size' | 'full',   // re-hashing multi-GB blobs on every load costs seconds; fresh downloads are always hashed
  retries: 5,                // dropped connections resumed per call
} as const;

function checkOptions(o: HubDownloadOptions): void {
  if (o.repoType !== undefined && o.repoType !== 'model' && o.repoType !== 'dataset') throw new Error(`hubDownload: option 'repoType' must be 'model' or 'dataset', got ${JSON.stringify(o.repoType)}`);
  if (o.verify !== undefined && o.verify !== 'size' && o.verify !== 'full') throw new Error(`hubDownload: option 'verify' must be 'size' or 'full', got ${JSON.stringify(o.verify)}`);
  if (o.retries !== undefined && !(Number.isInteger(o.retries) && o.retries >= 1)) throw new Error(`hubDownload: option 'retries' must be an integer >= 1, got ${JSON.stringify(o.retries)}`);
  if (o.revision !== undefined && (typeof o.revision !== 'string' || !o.revision || o.revision.includes('..'))) throw new Error(`hubDownload: option 'revision' must be a branch, tag or commit, got ${JSON.stringify(o.revision)}`);
}

/** Error for a file the server says does not exist (snapshotDownload tolerates it for optional files). */
export class HubNotFoundError extends Error {}

interface Metadata { commit: string; etag: string; size: number | null; url: string }

/** `{endpoint}/{datasets/}{repo}/resolve/{revision}/{path}` with each part URL-encoded. */
export function resolveUrl(s: HubSettings, repo: string, type: RepoType, revision: string, path: string): string {
  const enc = (p: string): string => p.split('/').map(encodeURIComponent).join('/');
  return `${s.endpoint}/${type === 'dataset' ? 'datasets/' : ''}${enc(repo)}/resolve/${encodeURIComponent(revision)}/${enc(path)}`;
}

function authHeaders(s: HubSettings, url: string): Record<string, string> {
  const h: Record<string, string> = { 'user-agent': 'pruning-lab/0.1', 'accept-encoding': 'identity' };
  if (s.token && new URL(url).origin === new URL(s.endpoint).origin) h.authorization = `Bearer ${s.token}`;
  return h;
}

/** HEAD request with the hub's metadata headers; relative redirects (renamed repos) are followed. */
async function fetchMetadata(s: HubSettings, url: string, what: string): Promise<Metadata> {
  let target = url;
  for (let hop = 0; hop < 5; hop++) {
    const res = await fetch(target, { method: 'HEAD', redirect: 'manual', headers: authHeaders(s, target), signal: AbortSignal.timeout(30_000) });
    const loc = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && loc && loc.startsWith('/')) { target = new URL(loc, target).href; continue; }
    if (res.status === 401 || res.status === 403) throw new Error(`${what}: the hub refused access (HTTP ${res.status}); set HF_TOKEN for gated or private repos`);
    if (res.status === 404) throw new HubNotFoundError(`${what}: not found on ${s.endpoint} (HTTP 404${res.headers.get('x-error-code') ? ', ' + res.headers.get('x-error-code') : ''})`);
    if (res.status >= 400) throw new Error(`${what}: HTTP ${res.status} from ${target}`);
    const commit = res.headers.get('x-repo-commit');
    const etag = normalizeEtag(res.headers.get('x-linked-etag') ?? res.headers.get('etag'));
    if (!commit || !etag) throw new Error(`${what}: the server sent no X-Repo-Commit / ETag headers (is HF_ENDPOINT=${s.endpoint} a Hugging Face hub?)`);
    const sizeHeader = res.headers.get('x-linked-size') ?? res.headers.get('content-length');
    const size = sizeHeader !== null && /^\d+$/.test(sizeHeader) ? Number(sizeHeader) : null;
    return { commit, etag, size, url: res.status >= 300 && res.status < 400 && loc ? new URL(loc, target).href : target };
  }
  throw new Error(`${what}: too many redirects`);
}

async function hashFile(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

/** Fetches `meta.url` into `incomplete`, resuming from its current size; returns the sha256 hex. */
async function fetchBody(s: HubSettings, meta: Metadata, incomplete: string, what: string, retries: number, showProgress: boolean): Promise<string> {
  const progress = showProgress ? createProgress({ label: `download ${what}`, total: meta.size ?? 0, unit: 'B' }) : null;
  let lastError: unknown = null;
  for (let attempt = 0; attempt < retries; attempt++) {
    let have = existsSync(incomplete) ? statSync(incomplete).size : 0;
    if (meta.size !== null && have > meta.size) { rmSync(incomplete); have = 0; }
    const headers = authHeaders(s, meta.url);
    if (have > 0) headers.range = `bytes=${have}-`;
    let res: Response;
    try {
      res = await fetch(meta.url, { headers, redirect: 'follow' });
    } catch (e) { lastError = e; continue; }
    if (res.status === 416 && have > 0) { await res.body?.cancel(); rmSync(incomplete); continue; }
    if (res.status !== 200 && res.status !== 206) { await res.body?.cancel(); throw new Error(`${what}: HTTP ${res.status} downloading from ${meta.url}`); }
    if (res.status === 200) have = 0;      // the server ignored Range: start over
    const hash = createHash('sha256');
    if (have > 0) await hashFile(incomplete, hash);
    const fd = openSync(incomplete, have > 0 ? 'a' : 'w');
    try {
      progress?.tick(have);
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        let off = 0;
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
        hash.update(chunk);
        progress?.tick(chunk.length);
      }
      fsyncSync(fd);
    } catch (e) {
      lastError = e;
      continue;
    } finally {
      closeSync(fd);
    }
    progress?.done();
    return hash.digest('hex');
  }
  throw new Error(`${what}: download failed after ${retries} attempts (${lastError instanceof Error ? lastError.message : String(lastError)}); run again to resume from ${incomplete}`);
}

/** Links `snapshots/<commit>/<path>` to its blob (relative symlink, as huggingface_hub does). */
function linkSnapshot(pointer: string, blob: string): void {
  mkdirSync(dirname(pointer), { recursive: true });
  try { lstatSync(pointer); unlinkSync(pointer); } catch { /* absent */ }
  symlinkSync(relative(dirname(pointer), blob), pointer);
}

function blobOk(blob: string, meta: { etag: string; size: number | null }, verify: 'size' | 'full'): Promise<boolean> | boolean {
  if (!existsSync(blob)) return false;
  if (meta.size !== null && statSync(blob).size !== meta.size) return false;
  if (verify === 'full' && isSha256(meta.etag)) {
    const h = createHash('sha256');
    return hashFile(blob, h).then(() => h.digest('hex') === meta.etag);
  }
  return true;
}

/** Resolves a file from the cache only (offline mode, or the network is unreachable). */
function fromCache(s: HubSettings, repo: string, type: RepoType, revision: string, path: string, why: string): string {
  const repoDir = repoCacheDir(s.cacheDir, repo, type);
  const commit = cachedCommit(repoDir, revision);
  const pointer = commit ? join(repoDir, 'snapshots', commit, path) : null;
  if (!pointer || !existsSync(pointer)) {
    throw new Error(`${repo}/${path}@${revision}: ${why}, and the file is not in the hub cache ${s.cacheDir}`);
  }
  return pointer;
}

/** Downloads (or finds in the cache) one repo file; returns its path under snapshots/<commit>/. */
export async function hubDownload(repo: string, path: string, opts: HubDownloadOptions = {}): Promise<string> {
  checkRepoPath(repo, path);
  checkOptions(opts);
  const s = hubSettings(opts.settings);
  const type = opts.repoType ?? hubDownloadDefaults.repoType;
  const revision = opts.revision ?? hubDownloadDefaults.revision;
  const what = `${type === 'dataset' ? 'dataset ' : ''}${repo}/${path}@${revision}`;
  if (s.offline) return fromCache(s, repo, type, revision, path, 'offline mode (LAB_OFFLINE / HF_HUB_OFFLINE)');
  let meta: Metadata;
  try {
    meta = await fetchMetadata(s, resolveUrl(s, repo, type, revision, path), what);
  } catch (e) {
    if (e instanceof TypeError || (e as Error).name === 'TimeoutError') {     // network failure / timeout: fall back to the cache as huggingface_hub does
      return fromCache(s, repo, type, revision, path, `the hub at ${s.endpoint} is unreachable (${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message})`);
    }
    throw e;
  }
  const repoDir = repoCacheDir(s.cacheDir, repo, type);
  const blob = join(repoDir, 'blobs', meta.etag);
  const pointer = join(repoDir, 'snapshots', meta.commit, path);
  if (revision !== meta.commit) writeFileAtomic(join(repoDir, 'refs', revision), meta.commit);
  const verify = opts.verify ?? hubDownloadDefaults.verify;
  if (await blobOk(blob, meta, verify)) {
    if (!existsSync(pointer)) linkSnapshot(pointer, blob);
    return pointer;
  }
  const lock = join(s.cacheDir, '.locks', repoFolderName(repo, type), `${meta.etag}.lock`);
  return withFileLock(lock, async () => {
    if (await blobOk(blob, meta, verify)) {         // another process finished it while we waited
      linkSnapshot(pointer, blob);
      return pointer;
    }
    await fetchBlob(s, meta, blob, what, opts);
    linkSnapshot(pointer, blob);
    return pointer;
  });
}

/** Downloads the blob (resuming its .incomplete), checks size and sha256, renames it into place. */
async function fetchBlob(s: HubSettings, meta: Metadata, blob: string, what: string, opts: HubDownloadOptions): Promise<void> {
  rmSync(blob, { force: true });
  mkdirSync(dirname(blob), { recursive: true });
  const incomplete = `${blob}.incomplete`;
  const digest = await fetchBody(s, meta, incomplete, what, opts.retries ?? hubDownloadDefaults.retries, opts.progress ?? (meta.size ?? 0) > 10e6);
  const got = statSync(incomplete).size;
  if (meta.size !== null && got !== meta.size) {
    rmSync(incomplete, { force: true });
    throw new Error(`${what}: downloaded ${got} bytes but the hub announced ${meta.size}; removed the partial file, run again`);
  }
  if (isSha256(meta.etag) && digest !== meta.etag) {
    rmSync(incomplete, { force: true });
    throw new Error(`${what}: sha256 mismatch (expected ${meta.etag}, got ${digest}): corrupt download removed, run again`);
  }
  renameSync(incomplete, blob);
}
