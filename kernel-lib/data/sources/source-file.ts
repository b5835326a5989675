/**
 * Locating a dataset's file in a data folder (`--data-dir`, LAB_REAL_DATA): the first candidate
 * that exists wins; none existing is an error listing every path tried.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** First existing path among `candidates` (relative to `dataDir`); throws listing all of them. */
export function findDataFile(dataDir: string, dataset: string, candidates: readonly string[]): string {
  for (const c of candidates) {
    const p = join(dataDir, c);
    if (existsSync(p)) return p;
  }
  throw new Error(`${dataset}: no data file in ${dataDir} (looked for ${candidates.join(', ')})`);
}
