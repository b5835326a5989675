/**
 * snapshotDownload: the files of a repo revision matching `allowPatterns`, into one snapshot folder
 * of the hub cache (as huggingface_hub's snapshot_download). The file list comes from
 * `GET {endpoint}/api/{models|datasets}/{repo}/revision/{revision}` ({sha, siblings: [{rfilename}]});
 * the revision is pinned to that commit so every file comes from the same snapshot. Offline, the
 * cached snapshot folder is returned (or an error naming the repo).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../runtime/files.ts';
import { hubSettings, type HubSettings } from './hub-settings.ts';
import { cachedCommit, checkRepoPath, repoCacheDir, type RepoType } from './cache-layout.ts';
import { hubDownload, type HubDownloadOptions } from './hub-download.ts';

export interface SnapshotDownloadOptions extends HubDownloadOptions {
  /** fnmatch-style globs (`*` matches any characters, `?` one); default: every file. */
  readonly allowPatterns?: readonly string[];
}

export interface RepoListing { readonly commit: string; readonly files: readonly string[] }

function headers(s: HubSettings): Record<string, string> {
  return s.token ? { authorization: `Bearer ${s.token}` } : {};
}

/** GET a hub API path as JSON (errors name the URL and status). */
export async function hubApiJson(s: HubSettings, apiPath: string): Promise<unknown> {
  if (s.offline) throw new Error(`${apiPath}: offline mode (LAB_OFFLINE / HF_HUB_OFFLINE) forbids hub API calls`);
  const url = `${s.endpoint}${apiPath}`;
  const res = await fetch(url, { headers: headers(s), signal: AbortSignal.timeout(30_000) });
  if (res.status === 401 || res.status === 403) throw new Error(`${url}: the hub refused access (HTTP ${res.status}); set HF_TOKEN for gated or private repos`);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/** The commit a revision points to and every file path in it. */
export async function listRepoFiles(repo: string, opts: { revision?: string; repoType?: RepoType; settings?: Partial<HubSettings> } = {}): Promise<RepoListing> {
  checkRepoPath(repo);
  const s = hubSettings(opts.settings);
  const type = opts.repoType ?? 'model';
  const body = await hubApiJson(s, `/api/${type}s/${repo}/revision/${encodeURIComponent(opts.revision ?? 'main')}`) as { sha?: unknown; siblings?: unknown };
  if (typeof body.sha !== 'string' || !Array.isArray(body.siblings)) throw new Error(`${repo}: unexpected repo info from ${s.endpoint} (no sha / siblings)`);
  return { commit: body.sha, files: body.siblings.map((x) => String((x as { rfilename: unknown }).rfilename)) };
}

function globToRegExp(glob: string): RegExp {
  return new RegExp('^' + glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
}

/** Downloads the matching files of a repo revision; returns the snapshot folder. */
export async function snapshotDownload(repo: string, opts: SnapshotDownloadOptions = {}): Promise<string> {
  checkRepoPath(repo);
  const s = hubSettings(opts.settings);
  const type = opts.repoType ?? 'model';
  const revision = opts.revision ?? 'main';
  const repoDir = repoCacheDir(s.cacheDir, repo, type);
  const cached = (why: string): string => {
    const commit = cachedCommit(repoDir, revision);
    const dir = commit ? join(repoDir, 'snapshots', commit) : null;
    if (!dir || !existsSync(dir)) throw new Error(`${repo}@${revision}: ${why} and no snapshot in the hub cache ${s.cacheDir}`);
    return dir;
  };
  if (s.offline) return cached('offline mode (LAB_OFFLINE / HF_HUB_OFFLINE)');
  let listing: RepoListing;
  try {
    listing = await listRepoFiles(repo, { revision, repoType: type, settings: opts.settings });
  } catch (e) {
    // network failure / timeout: the cached snapshot, as huggingface_hub's snapshot_download does
    if (e instanceof TypeError || (e as Error).name === 'TimeoutError') return cached(`the hub at ${s.endpoint} is unreachable (${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message})`);
    throw e;
  }
  const patterns = (opts.allowPatterns ?? ['*']).map(globToRegExp);
  const files = listing.files.filter((f) => patterns.some((p) => p.test(f)));
  if (!files.length) throw new Error(`${repo}@${revision}: no files match ${JSON.stringify(opts.allowPatterns)}`);
  for (const f of files) await hubDownload(repo, f, { ...opts, revision: listing.commit });
  if (revision !== listing.commit) writeFileAtomic(join(repoDir, 'refs', revision), listing.commit);
  return join(repoDir, 'snapshots', listing.commit);
}

/**
 * URLs of the hub's parquet conversion of a dataset split
 * (`GET /api/datasets/{repo}/parquet/{config}/{split}` -> ["https://.../0.parquet", ...]).
 * The files live on the `refs/convert/parquet` revision as `{config}/{split}/NNNN.parquet` (or
 * `{config}/partial-{split}/...` for big splits): fetch them with hubDownload(repo, path,
 * {repoType: 'dataset', revision: 'refs/convert/parquet'}) to cache them.
 */
export async function listParquetFiles(repo: string, config: string, split: string, opts: { settings?: Partial<HubSettings> } = {}): Promise<string[]> {
  checkRepoPath(repo);
  const s = hubSettings(opts.settings);
  const body = await hubApiJson(s, `/api/datasets/${repo}/parquet/${encodeURIComponent(config)}/${encodeURIComponent(split)}`);
  if (!Array.isArray(body) || !body.every((u) => typeof u === 'string')) throw new Error(`${repo}: parquet listing for ${config}/${split} is not a list of URLs`);
  return body as string[];
}
