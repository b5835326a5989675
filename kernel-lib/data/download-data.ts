/**
 * `lab data download NAME...`: fetches a source's Hub files through the hub module (into the
 * HF hub cache, resumable, size/sha256-checked) and exposes them in a data-folder view,
 * labCacheDir()/hub-data/<dataset>/..., made of symlinks to the cached snapshot files, so the
 * same readers serve downloads, `--data-dir` folders and the mini data.
 */
import { lstatSync, mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { labCacheDir } from '../runtime/files.ts';
import { hubDownload, type HubDownloadOptions } from '../hub/hub-download.ts';
import { getDataSource } from './data-sources.ts';

/** The data-folder view of downloaded files. */
export function hubDataDir(): string {
  return join(labCacheDir(), 'hub-data');
}

/** Replaces `link` with a symlink to `target` (atomic rename of a temp link). */
function linkInto(link: string, target: string): void {
  mkdirSync(dirname(link), { recursive: true });
  const tmp = `${link}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, link);
}

export interface DownloadOptions {
  /** Hub settings / verify / retries, passed to hubDownload. */
  readonly hub?: Omit<HubDownloadOptions, 'revision' | 'repoType'>;
  /** Only the first N files of the source (e.g. a few Wikipedia shards). */
  readonly maxFiles?: number;
  /** Data-folder view to fill (default hubDataDir()). */
  readonly dataDir?: string;
}

/** Downloads one source's Hub files; returns the data folder to read them from. */
export async function downloadDataset(name: string, options: DownloadOptions = {}): Promise<string> {
  const source = getDataSource(name);
  const dataDir = options.dataDir ?? hubDataDir();
  const files = source.hub.slice(0, options.maxFiles ?? source.hub.length);
  for (const f of files) {
    const cached = await hubDownload(f.repo, f.path, { ...options.hub, revision: f.revision, repoType: 'dataset' });
    const link = join(dataDir, f.local);
    try { if (lstatSync(link).isFile()) throw new Error(`${link} is a real file, not a download link: not replaced`); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    linkInto(link, cached);
  }
  return dataDir;
}
