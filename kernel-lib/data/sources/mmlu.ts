/**
 * MMLU (Hendrycks et al. 2021): the authors' per-subject CSVs, no header, columns
 * question,A,B,C,D,answer(letter), as `mmlu/{dev,val,test}/<subject>_{dev,val,test}.csv`, or the
 * Hub parquet (`cais/mmlu`, one config per subject: question, subject, choices[4], answer 0..3)
 * as `mmlu/<subject>/<split>-00000-of-00001.parquet`. Rows use the Hub's schema.
 */
import { readCsv } from '../formats/csv.ts';
import { readParquet, type ParquetRecord } from '../formats/parquet.ts';
import { DataError } from '../formats/data-error.ts';
import { intField, stringArrayField, stringField } from '../formats/fields.ts';
import { findDataFile } from './source-file.ts';
import { readHubParquet } from './hub-parquet.ts';

export interface MmluRow {
  readonly question: string;
  readonly subject: string;
  readonly choices: readonly string[];
  /** Index of the correct choice, 0..3 (letter A..D in the CSVs). */
  readonly answer: number;
}

export type MmluSplit = 'dev' | 'validation' | 'test';

const DIR: Record<MmluSplit, string> = { dev: 'dev', validation: 'val', test: 'test' };
const LETTERS = ['A', 'B', 'C', 'D'];

/** Reads one subject's split from a data folder (CSV, else Hub parquet). */
export async function readMmlu(dataDir: string, subject: string, split: MmluSplit): Promise<MmluRow[]> {
  const d = DIR[split];
  const path = findDataFile(dataDir, `mmlu ${subject}`, [
    `mmlu/${d}/${subject}_${d}.csv`,
    `mmlu/${subject}/${split}-00000-of-00001.parquet`,
  ]);
  if (path.endsWith('.parquet')) return mmluFromRecords(await readParquet(path), path, subject);
  return readMmluCsv(path, subject);
}

/** An authors' CSV -> rows. */
export function readMmluCsv(path: string, subject: string): MmluRow[] {
  const recs = readCsv(path);
  if (recs.length === 0) throw new DataError(path, undefined, 'empty file');
  return recs.map((r) => {
    if (r.fields.length !== 6) throw new DataError(path, r.row, `expected 6 fields (question,A,B,C,D,answer), got ${r.fields.length}`);
    const [question, a, b, c, d, ans] = r.fields as [string, string, string, string, string, string];
    const answer = LETTERS.indexOf(ans.trim());
    if (answer < 0) throw new DataError(path, r.row, `answer out of range: '${ans}' (expected A, B, C or D)`);
    return { question, subject, choices: [a, b, c, d], answer };
  });
}

/** Hub parquet records -> rows. */
export function mmluFromRecords(records: readonly ParquetRecord[], file: string, subject: string): MmluRow[] {
  if (records.length === 0) throw new DataError(file, undefined, 'no rows');
  return records.map((o, i) => {
    const at = { file, row: i + 1 };
    return {
      question: stringField(o, 'question', at),
      subject: typeof o['subject'] === 'string' && o['subject'] !== '' ? o['subject'] : subject,
      choices: stringArrayField(o, 'choices', at, 4),
      answer: intField(o, 'answer', at, 0, 3),
    };
  });
}

/** Reads one subject's split from the hub parquet (cais/mmlu, one config folder per subject). */
export async function readMmluHub(subject: string, split: MmluSplit): Promise<MmluRow[]> {
  const { records, file } = await readHubParquet({ repo: 'cais/mmlu', path: `${subject}/${split}-00000-of-00001.parquet` });
  return mmluFromRecords(records, file, subject);
}
