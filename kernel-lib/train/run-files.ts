/**
 * A run's files under `results/runs/<id>/`: `metrics.jsonl` (one JSON record per logged update,
 * appended as the run goes: a log) and `run.json` (resolved config, provenance and, when done,
 * the summary; always written atomically).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { portablePath, writeFileAtomic, writeJsonAtomic } from '../runtime/files.ts';
import { provenance } from '../runtime/provenance.ts';

/** One update's metrics (validation fields only on evaluation steps). */
export interface MetricRecord {
  step: number;                  // updates completed
  loss: number | null;           // mean training loss per target token of this update
  lr: number;                    // learning rate used
  gradNorm: number;              // global gradient norm before clipping
  tokens: number;                // target tokens in this update
  tokensSeen: number;            // target tokens so far
  tokensPerSecond: number;       // target tokens / wall second of this update
  seconds: number;               // training wall time so far
  valLoss?: number;              // mean validation loss per target token
  valPerplexity?: number;        // exp(valLoss)
}

export interface RunFiles {
  readonly startStep: number;
  append(r: MetricRecord): void;
  writeRun(content: Record<string, unknown>): void;
}

/**
 * Opens the run folder. `keepUpToStep` > 0 (a resume) keeps the metrics records up to that step
 * and drops later ones (written after the checkpoint by the interrupted session); 0 starts afresh.
 */
export function createRunFiles(runDir: string, keepUpToStep: number): RunFiles {
  const metrics = join(runDir, 'metrics.jsonl');
  let kept = '';
  if (keepUpToStep > 0 && existsSync(metrics)) {
    kept = readFileSync(metrics, 'utf8').split('\n').filter((l) => {
      if (!l.trim()) return false;
      try { return (JSON.parse(l) as MetricRecord).step <= keepUpToStep; } catch { return false; }
    }).map((l) => l + '\n').join('');
  }
  writeFileAtomic(metrics, kept);
  const prov = provenance();
  return {
    startStep: keepUpToStep,
    append(r) { appendFileSync(metrics, JSON.stringify(r) + '\n'); },
    writeRun(content) { writeJsonAtomic(join(runDir, 'run.json'), { ...content, ...(typeof content.runDir === 'string' ? { runDir: portablePath(content.runDir) } : {}), provenance: { ...prov, seed: (content.config as { seed?: number } | undefined)?.seed ?? null } }); },
  };
}
