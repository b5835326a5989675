/**
 * Per-request loglikelihood cache on disk: one folder
 * per (model fingerprint, namespace = task@version + harness version); results are appended as
 * jsonl SEGMENT files, each written atomically (temp file + rename) every `flushMs` and at the
 * end, so an interrupted run keeps everything flushed before it stopped and a re-run computes
 * only the rest. Keys are hashes of the request's tokens. Leftover temp files of dead processes
 * are removed when a cache is opened; nothing else is ever partially written.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, sha256 } from '../runtime/files.ts';
import type { LoglikelihoodResult } from './types.ts';

export interface RequestCache {
  /** Folder holding this cache's segments. */
  readonly dir: string;
  get(key: string): LoglikelihoodResult | undefined;
  put(key: string, value: LoglikelihoodResult): void;
  /** Writes pending entries as one new segment (no-op when none). */
  flush(): void;
  /** Entries held (read + new). */
  readonly size: number;
}

/** Cache key of a token request: the model's max length (truncation) and the context and continuation ids. */
export function requestKey(context: readonly number[], continuation: readonly number[], maxLength: number): string {
  return sha256(`${maxLength}|${context.join(',')}|${continuation.join(',')}`).slice(0, 32);
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

let segCounter = 0;

/** Opens (creating) the cache folder `root/<fingerprint>/<namespace>`. */
export function openRequestCache(root: string, fingerprint: string, namespace: string, flushMs = 2000): RequestCache {
  const dir = join(root, fingerprint.slice(0, 32), namespace.replace(/[^A-Za-z0-9_.@=-]/g, '_'));
  mkdirSync(dir, { recursive: true });
  const map = new Map<string, LoglikelihoodResult>();
  for (const name of readdirSync(dir).sort()) {
    const tmp = /\.(\d+)\.\d+\.tmp$/.exec(name);
    if (tmp) { if (!alive(Number(tmp[1]))) rmSync(join(dir, name), { force: true }); continue; }
    if (!name.endsWith('.jsonl')) continue;
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (!line) continue;
      const [k, ll, g] = JSON.parse(line) as [string, number | string, number];
      map.set(k, { loglikelihood: Number(ll), isGreedy: g === 1 });
    }
  }
  let pending: string[] = [];
  let last = Date.now();
  const flush = (): void => {
    if (pending.length === 0) return;
    const name = `seg-${Date.now().toString(36)}-${process.pid}-${segCounter++}.jsonl`;
    writeFileAtomic(join(dir, name), pending.join('\n') + '\n');
    pending = [];
    last = Date.now();
  };
  return {
    dir,
    get: (k) => map.get(k),
    put(k, v) {
      if (map.has(k)) return;
      map.set(k, v);
      // JSON has no -Infinity: non-finite values are stored as strings and read back with Number()
      const ll = Number.isFinite(v.loglikelihood) ? v.loglikelihood : String(v.loglikelihood);
      pending.push(JSON.stringify([k, ll, v.isGreedy ? 1 : 0]));
      if (Date.now() - last >= flushMs) flush();
    },
    flush,
    get size() { return map.size; },
  };
}
