/**
 * Kill-and-resume across processes: a training child is really killed (SIGKILL: no chance to save;
 * SIGINT: saves a checkpoint first) and a new process resumes it from the run folder. The final
 * parameters must equal an uninterrupted run's BIT FOR BIT, on both training engines (tfjs on
 * wasm, single thread; ONNX Runtime): the same ops on the same inputs give the same bits, dropout
 * masks come from per-micro-batch seeds drawn from the checkpointed RNG (on ONNX Runtime drawn on
 * the host from that seed), and the data order from (seed, epoch).
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
type Engine = 'tfjs' | 'ort';
const ENGINES: readonly Engine[] = ['tfjs', 'ort'];

function runChild(engine: Engine, runDir: string, out: string, resume: boolean, killAt?: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, runDir, out, ...(resume ? ['resume'] : [])], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LAB_QUIET: '1', LAB_TRAIN_ENGINE: engine } });
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

const fullBin = new Map<Engine, Buffer>();
before(async () => {
  for (const engine of ENGINES) {
    const tmp = mkdtempSync(join(tmpdir(), 'lab-resume-'));
    const full = await runChild(engine, join(tmp, 'full'), join(tmp, 'full.bin'), false);
    assert.match(full.stdout, /done/);
    fullBin.set(engine, readFileSync(join(tmp, 'full.bin')));
  }
  assert.ok(!fullBin.get('tfjs')!.equals(fullBin.get('ort')!), 'the two engines really ran (their rounding and dropout masks differ)');
});

for (const engine of ENGINES) {
  test(`${engine}: SIGKILL at update 5, resume in a new process: bit-identical final parameters`, async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'lab-resume-'));
    const killed = await runChild(engine, join(tmp, 'cut'), join(tmp, 'cut.bin'), false, 5, 'SIGKILL');
    assert.equal(killed.signal, 'SIGKILL');
    assert.doesNotMatch(killed.stdout, /step 12/);
    const resumed = await runChild(engine, join(tmp, 'cut'), join(tmp, 'cut.bin'), true);
    // saveEvery 2: the last committed checkpoint before the kill is update 4 (or 6 if it landed), so the resumed process starts there
    assert.match(resumed.stdout, /^step [57]\n/);
    assert.ok(fullBin.get(engine)!.equals(readFileSync(join(tmp, 'cut.bin'))), 'parameters differ');
  });

  test(`${engine}: SIGINT saves a checkpoint at the current update and exits; resume completes identically`, async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'lab-resume-'));
    const stopped = await runChild(engine, join(tmp, 'cut'), join(tmp, 'cut.bin'), false, 3, 'SIGINT');
    assert.equal(stopped.code, 130);
    assert.match(stopped.stdout, /interrupted/);
    const stepsBefore = [...stopped.stdout.matchAll(/step (\d+)/g)].map((m) => Number(m[1]));
    const resumed = await runChild(engine, join(tmp, 'cut'), join(tmp, 'cut.bin'), true);
    const first = Number(/^step (\d+)/.exec(resumed.stdout)![1]);
    assert.equal(first, stepsBefore[stepsBefore.length - 1]! + 1, 'resumes right after the interrupted update');
    assert.ok(fullBin.get(engine)!.equals(readFileSync(join(tmp, 'cut.bin'))), 'parameters differ');
  });
}
