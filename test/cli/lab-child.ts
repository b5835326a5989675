/** Runs the real `lab` entry (bin/lab.js) in a child process: the CLI tests' one way in. */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../kernel-lib/runtime/files.ts';

export const LAB = join(projectRoot, 'bin', 'lab.js');

export interface LabRun { status: number | null; stdout: string; stderr: string }

/** Synchronous run; `env` is added to the parent's environment. */
export function labSync(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 120_000): LabRun {
  const r = spawnSync(process.execPath, [LAB, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Asynchronous run (lets several run side by side). */
export function lab(args: readonly string[], env: Record<string, string> = {}): Promise<LabRun> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [LAB, ...args], { env: { ...process.env, ...env } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (status) => resolveRun({ status, stdout, stderr }));
  });
}
