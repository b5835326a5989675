/**
 * A per-blob lock so two processes never write the same `.incomplete` file at once (as
 * huggingface_hub's `.locks/<repo folder>/<etag>.lock`). The lock file holds the owner's pid; a
 * lock whose owner is gone is taken over. Waiters poll until the owner finishes.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

function ownerAlive(path: string): boolean {
  let pid: number;
  try { pid = Number(readFileSync(path, 'utf8').trim()); } catch { return false; }
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Runs `fn` holding the lock file `path` (created with O_EXCL); waits up to `timeoutMs` for another holder. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 30 * 60_000): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  const start = Date.now();
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!ownerAlive(path)) { rmSync(path, { force: true }); continue; }
      if (Date.now() - start > timeoutMs) throw new Error(`${path}: still locked by another download after ${timeoutMs / 1000}s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try { return await fn(); } finally { rmSync(path, { force: true }); }
}
