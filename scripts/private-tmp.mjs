// A private temp folder for one test run: the children get it as TMPDIR (node's os.tmpdir(),
// Python's tempfile, Chromium and Jupyter all read it), and it is deleted when the run ends, so
// what a test forgets to delete (and what tools leave behind) does not pile up in the system's
// temp dir. Says how many entries were left in it, as a hint for cleaning up the tests.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `run(env)` with TMPDIR set to a fresh folder, then removes the folder; returns run's result. */
export function withPrivateTmp(run) {
  const dir = mkdtempSync(join(tmpdir(), 'lab-test-run-'));
  try {
    return run({ ...process.env, TMPDIR: dir });
  } finally {
    let left = 0;
    try { left = readdirSync(dir).length; } catch { /* already gone */ }
    rmSync(dir, { recursive: true, force: true });
    if (left > 0) console.error(`[test] removed ${left} temp entr${left === 1 ? 'y' : 'ies'} the tests left in ${dir}`);
  }
}
