/**
 * PIQA (Bisk et al. 2020) in its published formats:
 *  - the official zip's files: `piqa/{train,valid}.jsonl` rows {goal, sol1, sol2} plus
 *    `piqa/{train,valid}-labels.lst` (one 0/1 label per line; `dev` is accepted for `valid`);
 *  - the Hub parquet lm-eval reads (`baber/piqa`: piqa_{train,validation}.parquet with a label column).
 * Row schema = the Hub's: goal, sol1, sol2 strings and label 0 | 1.
 */
import { existsSync } from 'node:fs';
import { readJsonl } from '../formats/jsonl.ts';
import { readLines } from '../formats/lines.ts';
import { readParquet, type ParquetRecord } from '../formats/parquet.ts';
import { DataError } from '../formats/data-error.ts';
import { asObject, intField, intValue, stringField } from '../formats/fields.ts';
import { findDataFile } from './source-file.ts';
import { readHubParquet } from './hub-parquet.ts';

export interface PiqaRow {
  readonly goal: string;
  readonly sol1: string;
  readonly sol2: string;
  /** 0 = sol1 is correct, 1 = sol2. */
  readonly label: number;
}

export type PiqaSplit = 'train' | 'validation';

const FILE_STEMS: Record<PiqaSplit, readonly string[]> = { train: ['train'], validation: ['valid', 'dev'] };

/** Reads a split from a data folder: jsonl + labels.lst, else the Hub parquet file. */
export async function readPiqa(dataDir: string, split: PiqaSplit): Promise<PiqaRow[]> {
  const stems = FILE_STEMS[split];
  const parquet = `piqa/piqa_${split}.parquet`;
  const path = findDataFile(dataDir, 'piqa', [...stems.map((s) => `piqa/${s}.jsonl`), parquet]);
  if (path.endsWith('.parquet')) return piqaFromRecords(await readParquet(path), path);
  const labels = path.replace(/\.jsonl$/, '-labels.lst');
  if (!existsSync(labels)) throw new DataError(labels, undefined, `missing labels file for ${path}`);
  return readPiqaJsonl(path, labels);
}

/** Official layout: rows from `jsonlPath`, labels line by line from `labelsPath`. */
export function readPiqaJsonl(jsonlPath: string, labelsPath: string): PiqaRow[] {
  const rows = readJsonl(jsonlPath);
  const labels = readLines(labelsPath);
  if (rows.length === 0) throw new DataError(jsonlPath, undefined, 'empty file');
  if (labels.length !== rows.length) {
    throw new DataError(labelsPath, undefined, `${labels.length} labels for ${rows.length} rows of ${jsonlPath}`);
  }
  return rows.map((r, i) => {
    const at = { file: jsonlPath, row: r.line };
    const o = asObject(r.value, at);
    return {
      goal: stringField(o, 'goal', at),
      sol1: stringField(o, 'sol1', at),
      sol2: stringField(o, 'sol2', at),
      label: intValue(labels[i], 'label', { file: labelsPath, row: i + 1 }, 0, 1),
    };
  });
}

/** Hub parquet records (goal, sol1, sol2, label) -> rows; `file` names the source in errors. */
export function piqaFromRecords(records: readonly ParquetRecord[], file: string): PiqaRow[] {
  if (records.length === 0) throw new DataError(file, undefined, 'no rows');
  return records.map((o, i) => {
    const at = { file, row: i + 1 };
    return {
      goal: stringField(o, 'goal', at),
      sol1: stringField(o, 'sol1', at),
      sol2: stringField(o, 'sol2', at),
      label: intField(o, 'label', at, 0, 1),
    };
  });
}

/** Reads a split from the hub parquet lm-eval uses (baber/piqa). */
export async function readPiqaHub(split: PiqaSplit): Promise<PiqaRow[]> {
  const { records, file } = await readHubParquet({ repo: 'baber/piqa', path: `piqa_${split}.parquet` });
  return piqaFromRecords(records, file);
}
