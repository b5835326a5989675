/**
 * Whether hub files are already in the hub cache (hub/cache-layout.ts), without the network:
 * a file is cached when the commit its revision points to (refs/) has it in its snapshot folder,
 * or, when the ref is not recorded, when any cached snapshot has it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cachedCommit, repoCacheDir, type RepoType } from '../hub/cache-layout.ts';

function snapshots(repoDir: string): string[] {
  const dir = join(repoDir, 'snapshots');
  return existsSync(dir) ? readdirSync(dir).map((c) => join(dir, c)) : [];
}

/** Whether `path` of `repo` at `revision` is in the cache at `cacheDir`. */
export function isHubFileCached(cacheDir: string, repo: string, type: RepoType, revision: string, path: string): boolean {
  const repoDir = repoCacheDir(cacheDir, repo, type);
  const commit = cachedCommit(repoDir, revision);
  if (commit) return existsSync(join(repoDir, 'snapshots', commit, path));
  return snapshots(repoDir).some((s) => existsSync(join(s, path)));
}

/** Whether a model repo has a snapshot with config.json and at least one .safetensors file. */
export function isModelCached(cacheDir: string, repo: string): boolean {
  return snapshots(repoCacheDir(cacheDir, repo, 'model')).some((s) =>
    existsSync(join(s, 'config.json')) && readdirSync(s).some((f) => f.endsWith('.safetensors')));
}
