/** File helpers every writer uses: nothing written is ever left half-done. */
import { mkdirSync, renameSync, writeFileSync, rmSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { settings } from './settings.ts';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

let tmpCounter = 0;

/** Writes `data` to `path` through a temp file in the same folder, fsync, then rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${tmpCounter++}.tmp`;
  try {
    writeFileSync(tmp, data);
    const fd = openSync(tmp, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** JSON with stable 2-space layout, written atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/** The project root (folder holding package.json), independent of the caller's cwd. */
export const projectRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The library's own cache (token caches, eval request cache, ...): LAB_CACHE_DIR or ~/.cache/pruning-lab. */
export function labCacheDir(): string {
  return settings().cacheDir;
}

/** Hugging Face home (HF_HOME or ~/.cache/huggingface); the hub cache is `${hfHome()}/hub`. */
export function hfHome(): string {
  return settings().hub.home;
}

/** Where runs write tables, plots and run JSON: LAB_RESULTS_DIR or <project>/results. */
export function resultsDir(): string {
  return settings().resultsDir ?? join(projectRoot, 'results');
}

/** A path as recorded in committed files: relative to the project root when inside it (no machine paths). */
export function portablePath(p: string): string {
  const r = relative(projectRoot, resolve(p));
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
}

/** sha256 hex of a string or bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** JSON with object keys sorted at every level: the canonical form hashed into cache keys. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(ArrayBuffer.isView(v))
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v);
}

/** Short hash of a config or key object (16 hex chars of sha256 over its canonical JSON). */
export function hashKey(value: unknown): string {
  return sha256(stableStringify(value)).slice(0, 16);
}
