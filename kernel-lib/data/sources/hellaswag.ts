/**
 * HellaSwag (Zellers et al. 2019): the original `hellaswag_{train,val}.jsonl` rows {ind,
 * activity_label, ctx_a, ctx_b, ctx, split, split_type, label (int), endings[4], source_id} as
 * `hellaswag/hellaswag_<split>.jsonl`, or the Hub parquet (`Rowan/hellaswag`, label a string
 * "0".."3") as `hellaswag/<split>-00000-of-00001.parquet`. Rows keep the Hub's field names with
 * label parsed to 0..3.
 */
import { readJsonl } from '../formats/jsonl.ts';
import { readParquet, type ParquetRecord } from '../formats/parquet.ts';
import { DataError } from '../formats/data-error.ts';
import { intField, stringArrayField, stringField, asObject, type RowRef } from '../formats/fields.ts';
import { findDataFile } from './source-file.ts';
import { readHubParquet } from './hub-parquet.ts';

export interface HellaSwagRow {
  readonly ind: number;
  readonly activity_label: string;
  readonly ctx_a: string;
  readonly ctx_b: string;
  readonly ctx: string;
  readonly endings: readonly string[];
  readonly source_id: string;
  readonly split: string;
  readonly split_type: string;
  /** Index of the true ending, 0..3. */
  readonly label: number;
}

export type HellaSwagSplit = 'train' | 'validation';

const FILE_STEM: Record<HellaSwagSplit, string> = { train: 'train', validation: 'val' };

/** Reads a split from a data folder (original jsonl, else Hub parquet). */
export async function readHellaSwag(dataDir: string, split: HellaSwagSplit): Promise<HellaSwagRow[]> {
  const path = findDataFile(dataDir, 'hellaswag', [
    `hellaswag/hellaswag_${FILE_STEM[split]}.jsonl`,
    `hellaswag/${split}-00000-of-00001.parquet`,
  ]);
  const recs = path.endsWith('.parquet')
    ? (await readParquet(path)).map((o, i) => ({ o: o as Record<string, unknown>, at: { file: path, row: i + 1 } }))
    : readJsonl(path).map((r) => ({ o: asObject(r.value, { file: path, row: r.line }), at: { file: path, row: r.line } }));
  if (recs.length === 0) throw new DataError(path, undefined, 'empty file');
  return recs.map(({ o, at }) => hellaSwagRow(o, at));
}

/** Hub parquet records -> rows (for the hub cache path). */
export function hellaSwagFromRecords(records: readonly ParquetRecord[], file: string): HellaSwagRow[] {
  if (records.length === 0) throw new DataError(file, undefined, 'no rows');
  return records.map((o, i) => hellaSwagRow(o, { file, row: i + 1 }));
}

function hellaSwagRow(o: Record<string, unknown>, at: RowRef): HellaSwagRow {
  return {
    ind: intField(o, 'ind', at, 0, Number.MAX_SAFE_INTEGER),
    activity_label: stringField(o, 'activity_label', at),
    ctx_a: stringField(o, 'ctx_a', at),
    ctx_b: stringField(o, 'ctx_b', at),
    ctx: stringField(o, 'ctx', at),
    endings: stringArrayField(o, 'endings', at, 4),
    source_id: stringField(o, 'source_id', at),
    split: stringField(o, 'split', at),
    split_type: stringField(o, 'split_type', at),
    label: intField(o, 'label', at, 0, 3),
  };
}

/** Reads a split from the hub parquet (Rowan/hellaswag). */
export async function readHellaSwagHub(split: HellaSwagSplit): Promise<HellaSwagRow[]> {
  const { records, file } = await readHubParquet({ repo: 'Rowan/hellaswag', path: `data/${split}-00000-of-00001.parquet` });
  return hellaSwagFromRecords(records, file);
}
