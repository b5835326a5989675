/**
 * huggingface_hub's cache layout (file_download.py), reused so downloads are shared with Python:
 *   <cache>/models--org--name/blobs/<etag>                 file contents, named by ETag
 *   <cache>/models--org--name/snapshots/<commit>/<path>    relative symlink -> ../../blobs/<etag>
 *   <cache>/models--org--name/refs/<revision>              the commit a branch/tag pointed to
 * Datasets use `datasets--org--name`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type RepoType = 'model' | 'dataset';

const REPO_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;

/** Checks a repo id (`name` or `org/name`) and a file path inside it (no `..`, no absolute paths). */
export function checkRepoPath(repo: string, path?: string): void {
  if (!REPO_ID.test(repo) || repo.includes('..')) throw new Error(`'${repo}' is not a hub repo id (expected name or org/name)`);
  if (path !== undefined && (!path || path.startsWith('/') || path.split('/').some((s) => s === '..' || s === '.' || s === ''))) {
    throw new Error(`${repo}: '${path}' is not a file path inside a repo`);
  }
}

/** `models--org--name` / `datasets--org--name`. */
export function repoFolderName(repo: string, type: RepoType): string {
  return `${type}s--${repo.replace(/\//g, '--')}`;
}

export function repoCacheDir(cacheDir: string, repo: string, type: RepoType): string {
  return join(cacheDir, repoFolderName(repo, type));
}

/** True for a full 40-hex git commit id. */
export function isCommitHash(rev: string): boolean {
  return /^[0-9a-f]{40}$/.test(rev);
}

/** The commit a revision resolves to in the cache (itself for a commit hash), or null. */
export function cachedCommit(repoDir: string, revision: string): string | null {
  if (isCommitHash(revision)) return revision;
  const ref = join(repoDir, 'refs', revision);
  return existsSync(ref) ? readFileSync(ref, 'utf8').trim() : null;
}

/** ETag as the cache names blobs: without W/ and quotes. */
export function normalizeEtag(etag: string | null): string | null {
  return etag ? etag.replace(/^W\//, '').replace(/^"|"$/g, '') : null;
}

/** LFS ETags are the file's sha256 (64 hex); git ETags are 40-hex sha1s of the git blob. */
export function isSha256(etag: string): boolean {
  return /^[0-9a-f]{64}$/.test(etag);
}
