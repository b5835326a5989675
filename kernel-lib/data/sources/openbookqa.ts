/**
 * OpenBookQA (Mihaylov et al. 2018): the original release's `Data/Main/{train,dev,test}.jsonl`
 * rows {"id", "question": {"stem", "choices": [{"text", "label"}, ...]}, "answerKey"}, found as
 * `openbookqa/Main/<split>.jsonl`, or the Hub parquet (`allenai/openbookqa`, config main:
 * id, question_stem, choices {text[], label[]}, answerKey) as `openbookqa/main/<split>-*.parquet`.
 * Rows use the Hub's schema; answerKey must be one of the choice labels.
 */
import { readJsonl } from '../formats/jsonl.ts';
import { readParquet, type ParquetRecord } from '../formats/parquet.ts';
import { DataError } from '../formats/data-error.ts';
import { asObject, stringField, type RowRef } from '../formats/fields.ts';
import { findDataFile } from './source-file.ts';
import { readHubParquet } from './hub-parquet.ts';

export interface OpenBookQaRow {
  readonly id: string;
  readonly question_stem: string;
  readonly choices: { readonly text: readonly string[]; readonly label: readonly string[] };
  /** Letter "A".."D" (one of choices.label). */
  readonly answerKey: string;
}

export type OpenBookQaSplit = 'train' | 'validation' | 'test';

const FILE_STEM: Record<OpenBookQaSplit, string> = { train: 'train', validation: 'dev', test: 'test' };

/** Reads a split from a data folder (original jsonl, else Hub parquet). */
export async function readOpenBookQa(dataDir: string, split: OpenBookQaSplit): Promise<OpenBookQaRow[]> {
  const path = findDataFile(dataDir, 'openbookqa', [
    `openbookqa/Main/${FILE_STEM[split]}.jsonl`,
    `openbookqa/main/${split}-00000-of-00001.parquet`,
  ]);
  if (path.endsWith('.parquet')) return openBookQaFromRecords(await readParquet(path), path);
  return readOpenBookQaJsonl(path);
}

function checkRow(row: OpenBookQaRow, at: RowRef): OpenBookQaRow {
  if (row.choices.text.length !== row.choices.label.length || row.choices.text.length < 2) {
    throw new DataError(at.file, at.row, `choices must have matching text and label lists (>= 2 entries)`);
  }
  if (!row.choices.label.includes(row.answerKey.trimStart())) {
    throw new DataError(at.file, at.row, `answerKey out of range: '${row.answerKey}' is not one of ${row.choices.label.join(',')}`);
  }
  return row;
}

/** Original release jsonl -> rows. */
export function readOpenBookQaJsonl(path: string): OpenBookQaRow[] {
  const rows = readJsonl(path);
  if (rows.length === 0) throw new DataError(path, undefined, 'empty file');
  return rows.map((r) => {
    const at = { file: path, row: r.line };
    const o = asObject(r.value, at);
    const q = asObject(o['question'] ?? null, at);
    const choices = q['choices'];
    if (!Array.isArray(choices)) throw new DataError(path, r.line, `missing field 'question.choices'`);
    const cs = choices.map((c) => asObject(c, at));
    return checkRow({
      id: stringField(o, 'id', at),
      question_stem: stringField(q, 'stem', at),
      choices: { text: cs.map((c) => stringField(c, 'text', at)), label: cs.map((c) => stringField(c, 'label', at)) },
      answerKey: stringField(o, 'answerKey', at),
    }, at);
  });
}

/** Hub parquet records -> rows. */
export function openBookQaFromRecords(records: readonly ParquetRecord[], file: string): OpenBookQaRow[] {
  if (records.length === 0) throw new DataError(file, undefined, 'no rows');
  return records.map((o, i) => {
    const at = { file, row: i + 1 };
    const c = asObject(o['choices'] ?? null, at);
    const text = c['text'];
    const label = c['label'];
    if (!Array.isArray(text) || !Array.isArray(label)) throw new DataError(file, i + 1, `field 'choices' must hold text[] and label[]`);
    return checkRow({
      id: stringField(o, 'id', at),
      question_stem: stringField(o, 'question_stem', at),
      choices: { text: text.map(String), label: label.map(String) },
      answerKey: stringField(o, 'answerKey', at),
    }, at);
  });
}

/** Reads a split from the hub parquet (allenai/openbookqa, config main). */
export async function readOpenBookQaHub(split: OpenBookQaSplit): Promise<OpenBookQaRow[]> {
  const { records, file } = await readHubParquet({ repo: 'allenai/openbookqa', path: `main/${split}-00000-of-00001.parquet` });
  return openBookQaFromRecords(records, file);
}
