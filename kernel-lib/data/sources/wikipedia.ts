/**
 * English Wikipedia as the Hub's `wikimedia/wikipedia` parquet shards
 * (`wikipedia/20231101.en/train-0000N-of-000NN.parquet`, columns id, url, title, text), with a
 * deterministic N-row subset (the study recovers pruned OLMo-1B on 300K rows).
 *
 * Subset rule: the shards' row counts come from their parquet footers; a row is kept when
 * sha256(`<seed>:<id>`) as a fraction of 2^32 is below 1.05 * N / total, in shard then row order,
 * stopping at N rows. It depends only on the files and (seed, N), reads one row group at a time,
 * and is the same whichever machine runs it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DataError } from '../formats/data-error.ts';
import { stringField } from '../formats/fields.ts';
import { sha256 } from '../../runtime/files.ts';

export interface WikipediaRow {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

export interface WikipediaSubset {
  /** Dump config folder, e.g. `20231101.en`. */
  readonly config: string;
  /** N: rows to keep (0 = all rows). */
  readonly rows: number;
  /** Seed of the hash selection. */
  readonly seed: number;
}

export const wikipediaDefaults: WikipediaSubset = { config: '20231101.en', rows: 300_000, seed: 0 };

/** The shard files present for a config, sorted. */
export function wikipediaShards(dataDir: string, config = wikipediaDefaults.config): string[] {
  const dir = join(dataDir, 'wikipedia', config);
  let files: string[];
  try { files = readdirSync(dir); } catch {
    throw new Error(`wikipedia: no folder ${dir} (expected ${config}/train-0000N-of-000NN.parquet shards)`);
  }
  const shards = files.filter((f) => /^train-\d+-of-\d+\.parquet$/.test(f)).sort().map((f) => join(dir, f));
  if (!shards.length) throw new Error(`wikipedia: no train-*.parquet shards in ${dir}`);
  return shards;
}

/** Streams the subset, one row group at a time. */
export async function* streamWikipedia(dataDir: string, overrides: Partial<WikipediaSubset> = {}): AsyncGenerator<WikipediaRow> {
  const c = { ...wikipediaDefaults, ...overrides };
  if (!Number.isInteger(c.rows) || c.rows < 0) throw new Error(`wikipedia subset: 'rows' must be a non-negative integer, got ${c.rows}`);
  const shards = wikipediaShards(dataDir, c.config);
  const opened = [];
  let total = 0;
  for (const path of shards) {
    try {
      const file = await asyncBufferFromFile(path);
      const metadata = await parquetMetadataAsync(file);
      opened.push({ path, file, metadata });
      total += Number(metadata.num_rows);
    } catch (e) {
      throw new DataError(path, undefined, `unreadable parquet (${(e as Error).message})`);
    }
  }
  const threshold = c.rows === 0 ? Infinity : Math.min(1, (1.05 * c.rows) / total) * 2 ** 32;
  let kept = 0;
  for (const { path, file, metadata } of opened) {
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      const records = await parquetReadObjects({ file, metadata, rowStart, rowEnd, columns: ['id', 'title', 'text'], compressors }) as Record<string, unknown>[];
      for (let i = 0; i < records.length; i++) {
        const at = { file: path, row: rowStart + i + 1 };
        const id = stringField(records[i]!, 'id', at);
        if (parseInt(sha256(`${c.seed}:${id}`).slice(0, 8), 16) >= threshold) continue;
        yield { id, title: stringField(records[i]!, 'title', at), text: stringField(records[i]!, 'text', at) };
        if (c.rows && ++kept >= c.rows) return;
      }
      rowStart = rowEnd;
    }
  }
}
