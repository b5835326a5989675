/**
 * The step cache: a step is keyed by a hash of its name, inputs and config;
 * its artifacts live in `results/steps/<step>-<hash>/`, and `step.json` (result + config +
 * provenance) is written atomically LAST, so a folder without it is an interrupted run that the
 * step resumes from whatever checkpoints it left there. A cached step returns at once.
 */
import { settings } from '../runtime/settings.ts';
import { infoLine } from '../runtime/info-line.ts';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashKey, resultsDir, writeJsonAtomic } from '../runtime/files.ts';
import { provenance, type Provenance } from '../runtime/provenance.ts';
import { inStep } from '../runtime/wall-profile.ts';

export interface StepRecord<T> {
  readonly step: string;
  readonly key: string;
  readonly keyInput: unknown;       // what the key hashes: the step's resolved config and input keys
  readonly result: T;
  readonly seconds: number;         // wall time of the run that produced it
  readonly provenance: Provenance;
}

export interface StepOutcome<T> {
  readonly result: T;
  readonly dir: string;             // the step's artifact folder
  readonly key: string;
  readonly cached: boolean;         // true when read back from step.json
}

export interface StepOptions {
  /** Root of the step folders (default `${resultsDir()}/steps`). */
  readonly root?: string;
  /** Re-run even when cached. */
  readonly force?: boolean;
  /** Called with a one-line message when the step is cached or starts. */
  readonly log?: (line: string) => void;
}

/** Folder and key a step would use, without running it. */
export function stepLocation(step: string, keyInput: unknown, root = join(resultsDir(), 'steps')): { key: string; dir: string } {
  const key = hashKey({ step, keyInput });
  return { key, dir: join(root, `${step}-${key}`) };
}

/** Reads a finished step's record, or null when it has not completed. */
export function readStep<T>(dir: string): StepRecord<T> | null {
  const p = join(dir, 'step.json');
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as StepRecord<T>;
  } catch (e) {
    throw new Error(`${p}: unreadable step record (${(e as Error).message}); delete the folder to recompute`);
  }
}

/**
 * Runs `run(dir)` once per distinct (step, keyInput) and caches its JSON-serialisable result.
 * `run` gets its artifact folder (already created) and may leave checkpoints there to resume from.
 */
export async function cachedStep<T>(step: string, keyInput: unknown, run: (dir: string) => Promise<T>, opts: StepOptions = {}): Promise<StepOutcome<T>> {
  const { key, dir } = stepLocation(step, keyInput, opts.root);
  const log = opts.log ?? ((line: string) => { if (!settings().quiet) infoLine(line); });
  if (!opts.force) {
    const done = readStep<T>(dir);
    if (done) {
      if (settings().verbose) log(`[step] ${step} ${key}: cached (${dir})`);
      return { result: done.result, dir, key, cached: true };
    }
  }
  const resuming = existsSync(dir);
  mkdirSync(dir, { recursive: true });
  log(`[step] ${step} ${key}: ${resuming ? 'resuming' : 'running'} (${dir})`);
  const t0 = Date.now();
  const result = await inStep(`${step}-${key}`, () => run(dir));
  const record: StepRecord<T> = { step, key, keyInput, result, seconds: (Date.now() - t0) / 1000, provenance: provenance() };
  writeJsonAtomic(join(dir, 'step.json'), record);
  return { result, dir, key, cached: false };
}
