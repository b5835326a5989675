/**
 * Social IQa (Sap et al. 2019) in its published formats:
 *  - the official `socialiqa-train-dev.zip` as distributed (read in memory with fflate, no unpacking):
 *    `socialiqa-train-dev/{train,dev}.jsonl` + `{train,dev}-labels.lst` (33,410 train / 1,954 dev);
 *  - the same files unpacked: `siqa/{train,dev}.jsonl` + `siqa/{train,dev}-labels.lst`;
 *  - the Hub parquet conversion (`allenai/social_i_qa`, refs/convert/parquet) as
 *    `siqa/default/{train,validation}/0000.parquet` (label a string "1".."3").
 * Rows {context, question, answerA, answerB, answerC}; labels are "1"/"2"/"3" (the correct answer's
 * position), kept 1-based here as in the files (lm-eval uses int(label) - 1).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { DataError } from '../formats/data-error.ts';
import { parseJsonl } from '../formats/jsonl.ts';
import { parseLines } from '../formats/lines.ts';
import { asObject, intField, intValue, stringField } from '../formats/fields.ts';
import { readParquet } from '../formats/parquet.ts';
import { findDataFile } from './source-file.ts';

export interface SiqaRow {
  readonly context: string;
  readonly question: string;
  readonly answerA: string;
  readonly answerB: string;
  readonly answerC: string;
  /** 1, 2 or 3: which answer is correct. */
  readonly label: number;
}

export type SiqaSplit = 'train' | 'validation';

const ZIP = 'siqa/socialiqa-train-dev.zip';
const stem = (split: SiqaSplit): string => (split === 'train' ? 'train' : 'dev');

/** Rows from jsonl text + labels text; `file` / `labelsFile` name them in errors. */
export function parseSiqa(jsonl: string, file: string, labelsText: string, labelsFile: string): SiqaRow[] {
  const rows = parseJsonl(jsonl, file);
  const labels = parseLines(labelsText);
  if (rows.length === 0) throw new DataError(file, undefined, 'empty file');
  if (labels.length !== rows.length) throw new DataError(labelsFile, undefined, `${labels.length} labels for ${rows.length} rows of ${file}`);
  return rows.map((r, i) => {
    const at = { file, row: r.line };
    const o = asObject(r.value, at);
    return {
      context: stringField(o, 'context', at), question: stringField(o, 'question', at),
      answerA: stringField(o, 'answerA', at), answerB: stringField(o, 'answerB', at), answerC: stringField(o, 'answerC', at),
      label: intValue(labels[i], 'label', { file: labelsFile, row: i + 1 }, 1, 3),
    };
  });
}

/** Reads a split: the official zip, else the unpacked jsonl + labels, else the Hub parquet. */
export async function readSiqa(dataDir: string, split: SiqaSplit): Promise<SiqaRow[]> {
  const s = stem(split);
  const path = findDataFile(dataDir, 'siqa', [ZIP, `siqa/${s}.jsonl`, `siqa/default/${split}/0000.parquet`]);
  if (path.endsWith('.parquet')) {
    return (await readParquet(path)).map((o, i) => {
      const at = { file: path, row: i + 1 };
      return {
        context: stringField(o, 'context', at), question: stringField(o, 'question', at),
        answerA: stringField(o, 'answerA', at), answerB: stringField(o, 'answerB', at), answerC: stringField(o, 'answerC', at),
        label: intField(o, 'label', at, 1, 3),
      };
    });
  }
  if (path.endsWith('.jsonl')) {
    const labels = join(dataDir, `siqa/${s}-labels.lst`);
    if (!existsSync(labels)) throw new DataError(labels, undefined, `missing labels file for ${path}`);
    return parseSiqa(readFileSync(path, 'utf8'), path, readFileSync(labels, 'utf8'), labels);
  }
  const want = [`socialiqa-train-dev/${s}.jsonl`, `socialiqa-train-dev/${s}-labels.lst`];
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(readFileSync(path), { filter: (f) => want.includes(f.name) });
  } catch (e) {
    throw new DataError(path, undefined, `not a readable zip (${(e as Error).message})`);
  }
  for (const w of want) if (!files[w]) throw new DataError(path, undefined, `zip has no entry ${w}`);
  return parseSiqa(strFromU8(files[want[0]!]!), `${path}!${want[0]}`, strFromU8(files[want[1]!]!), `${path}!${want[1]}`);
}
