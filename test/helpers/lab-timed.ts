/**
 * Runs the real `lab` entry under GNU time (`/usr/bin/time -v`) and returns its output with the
 * peak resident set size it reports ("Maximum resident set size (kbytes)"): the measure the
 * real-size acceptance checks use.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LAB } from '../cli/lab-child.ts';

export const GNU_TIME = '/usr/bin/time';
export const hasGnuTime = existsSync(GNU_TIME);

export interface TimedRun {
  readonly status: number | null;
  readonly stdout: string;
  /** The command's stderr, GNU time's report removed. */
  readonly stderr: string;
  readonly peakRssBytes: number;
  readonly wallSeconds: number;
}

/** `lab ARGS` with `env` added to this process's environment; `timeoutMs` kills it. */
export function labTimed(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 30 * 60_000): TimedRun {
  return timedNode([LAB, ...args], env, timeoutMs);
}

/** `node ARGS` (a script and its arguments) under GNU time, as labTimed. */
export function timedNode(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 30 * 60_000): TimedRun {
  const t0 = performance.now();
  const r = spawnSync(GNU_TIME, ['-v', process.execPath, ...args], {
    env: { ...process.env, ...env }, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 2 ** 20,
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  const at = r.stderr.lastIndexOf('\tCommand being timed:');
  const report = at >= 0 ? r.stderr.slice(at) : '';
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
  if (!m) throw new Error(`node ${args.join(' ')}: no GNU time report (status ${r.status}, signal ${r.signal}): ${r.stderr.slice(-2000)}`);
  // GNU time reports the command's status as "Exit status: N"; spawnSync's is time's own (the same unless time failed)
  return { status: r.status, stdout: r.stdout, stderr: at >= 0 ? r.stderr.slice(0, at) : r.stderr, peakRssBytes: Number(m[1]) * 1024, wallSeconds };
}
