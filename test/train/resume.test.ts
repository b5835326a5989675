/**
 * Kill-and-resume across processes: a training child is really killed (SIGKILL: no chance to save;
 * SIGINT: saves a checkpoint first) and a new process resumes it from the run folder. The final
 * parameters must equal an uninterrupted run's BIT FOR BIT: on the wasm backend (single thread)
 * the same ops on the same inputs give the same bits, dropout masks come from per-update seeds
 * drawn from the checkpointed RNG, and the data order from (seed, epoch).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const child = join(dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'train-child.ts');

/** Runs the child; when `killAt` is given, sends `signal` once it printed `step killAt`. */
function runChild(runDir: string, out: string, resume: boolean, killAt?: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, runDir, out, ...(resume ? ['resume'] : [])], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LAB_QUIET: '1' } });
    let stdout = '', stderr = '', sent = false;
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (killAt !== undefined && !sent && stdout.includes(`step ${killAt}\n`)) { sent = true; p.kill(signal); }
    });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('error', reject);
    p.on('close', (code, sig) => (code !== 0 && code !== 130 && sig === null ? reject(new Error(`child exited ${code}: ${stderr}`)) : resolve({ code, signal: sig, stdout })));
  });
}

let fullBin: Buffer;
before(async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'lab-resume-'));
  const full = await runChild(join(tmp, 'full'), join(tmp, 'full.bin'), false);
  assert.match(full.stdout, /done/);
  fullBin = readFileSync(join(tmp, 'full.bin'));
});

test('SIGKILL at update 5, resume in a new process: bit-identical final parameters (wasm)', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'lab-resume-'));
  const killed = await runChild(join(tmp, 'cut'), join(tmp, 'cut.bin'), false, 5, 'SIGKILL');
  assert.equal(killed.signal, 'SIGKILL');
  assert.doesNotMatch(killed.stdout, /step 12/);
  const resumed = await runChild(join(tmp, 'cut'), join(tmp, 'cut.bin'), true);
  // saveEvery 2: the last committed checkpoint before the kill is update 4 (or 6 if it landed), so the resumed process starts there
  assert.match(resumed.stdout, /^step [57]\n/);
  assert.ok(fullBin.equals(readFileSync(join(tmp, 'cut.bin'))), 'parameters differ');
});

test('SIGINT saves a checkpoint at the current update and exits; resume completes identically', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'lab-resume-'));
  const stopped = await runChild(join(tmp, 'cut'), join(tmp, 'cut.bin'), false, 3, 'SIGINT');
  assert.equal(stopped.code, 130);
  assert.match(stopped.stdout, /interrupted/);
  const stepsBefore = [...stopped.stdout.matchAll(/step (\d+)/g)].map((m) => Number(m[1]));
  const resumed = await runChild(join(tmp, 'cut'), join(tmp, 'cut.bin'), true);
  const first = Number(/^step (\d+)/.exec(resumed.stdout)![1]);
  assert.equal(first, stepsBefore[stepsBefore.length - 1]! + 1, 'resumes right after the interrupted update');
  assert.ok(fullBin.equals(readFileSync(join(tmp, 'cut.bin'))), 'parameters differ');
});
