/**
 * HotpotQA (Yang et al. 2018) in its published formats:
 *  - the original files, each ONE JSON array (`hotpot_train_v1.1.json` 540 MB,
 *    `hotpot_dev_distractor_v1.json`, `hotpot_dev_fullwiki_v1.json`), streamed element by element;
 *    rows {_id, question, answer, supporting_facts: [[title, sent_id]], context: [[title, [sentences]]], type, level};
 *  - the Hub parquet conversion (`hotpotqa/hotpot_qa`, refs/convert/parquet:
 *    `<config>/<split>/0000.parquet`) with supporting_facts {title[], sent_id[]} and context {title[], sentences[][]}.
 * Rows are normalised to the original file's shape with camelCase names.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../formats/data-error.ts';
import { asObject, stringField, type RowRef } from '../formats/fields.ts';
import { readParquet, type ParquetRecord } from '../formats/parquet.ts';
import { streamJsonArray } from './json-array-stream.ts';
import { findDataFile } from './source-file.ts';

export interface HotpotRow {
  readonly id: string;
  readonly question: string;
  readonly answer: string;
  /** `comparison` or `bridge`. */
  readonly type: string;
  /** `easy`, `medium` or `hard`. */
  readonly level: string;
  /** (paragraph title, sentence index) pairs that support the answer. */
  readonly supportingFacts: readonly (readonly [string, number])[];
  /** Paragraphs: (title, sentences). */
  readonly context: readonly (readonly [string, readonly string[]])[];
}

export type HotpotSplit = 'train' | 'validation';
export type HotpotSetting = 'distractor' | 'fullwiki';

/** Original file names per (setting, split); the train file is shared by both settings. */
const ORIGINAL: Record<HotpotSetting, Record<HotpotSplit, string>> = {
  distractor: { train: 'hotpot_train_v1.1.json', validation: 'hotpot_dev_distractor_v1.json' },
  fullwiki: { train: 'hotpot_train_v1.1.json', validation: 'hotpot_dev_fullwiki_v1.json' },
};

function pairList(v: unknown, key: string, at: RowRef): unknown[][] {
  if (!Array.isArray(v) || !v.every((x) => Array.isArray(x) && x.length === 2)) {
    throw new DataError(at.file, at.row, `field '${key}' must be an array of [title, value] pairs`);
  }
  return v as unknown[][];
}

/** One original-format element -> row (validated). */
export function hotpotFromOriginal(value: unknown, at: RowRef): HotpotRow {
  const o = asObject(value, at);
  const sf = pairList(o.supporting_facts, 'supporting_facts', at).map(([t, i]) => {
    if (typeof t !== 'string' || !Number.isInteger(i)) throw new DataError(at.file, at.row, `supporting_facts entries must be [string, integer]`);
    return [t, i as number] as const;
  });
  const context = pairList(o.context, 'context', at).map(([t, s]) => {
    if (typeof t !== 'string' || !Array.isArray(s) || !s.every((x) => typeof x === 'string')) {
      throw new DataError(at.file, at.row, `context entries must be [string, string[]]`);
    }
    return [t, s as string[]] as const;
  });
  return {
    id: stringField(o, '_id', at), question: stringField(o, 'question', at), answer: stringField(o, 'answer', at),
    type: stringField(o, 'type', at), level: stringField(o, 'level', at), supportingFacts: sf, context,
  };
}

/** One Hub parquet record -> row. */
export function hotpotFromRecord(r: ParquetRecord, at: RowRef): HotpotRow {
  const sf = asObject(r.supporting_facts, at);
  const ctx = asObject(r.context, at);
  const titles = sf.title as unknown[], ids = sf.sent_id as unknown[];
  const ctitles = ctx.title as unknown[], sents = ctx.sentences as unknown[];
  if (!Array.isArray(titles) || !Array.isArray(ids) || titles.length !== ids.length) {
    throw new DataError(at.file, at.row, `supporting_facts must be {title[], sent_id[]} of equal length`);
  }
  if (!Array.isArray(ctitles) || !Array.isArray(sents) || ctitles.length !== sents.length) {
    throw new DataError(at.file, at.row, `context must be {title[], sentences[][]} of equal length`);
  }
  return hotpotFromOriginal({
    _id: r.id, question: r.question, answer: r.answer, type: r.type, level: r.level,
    supporting_facts: titles.map((t, i) => [t, Number(ids[i])]),
    context: ctitles.map((t, i) => [t, sents[i]]),
  }, at);
}

/**
 * Streams a split from a data folder: the original JSON array (constant memory), else the Hub
 * parquet `hotpotqa/<setting>/<split>/*.parquet` (read one file at a time).
 */
export async function* streamHotpotQa(dataDir: string, split: HotpotSplit, setting: HotpotSetting = 'distractor'): AsyncGenerator<HotpotRow> {
  const hubSplit = split === 'validation' ? 'validation' : 'train';
  const parquetDir = join(dataDir, 'hotpotqa', setting, hubSplit);
  let parquet: string[] = [];
  try { parquet = readdirSync(parquetDir).filter((f) => f.endsWith('.parquet')).sort(); } catch { /* no parquet folder */ }
  const path = findDataFile(dataDir, 'hotpotqa', [`hotpotqa/${ORIGINAL[setting][split]}`, ...parquet.map((f) => `hotpotqa/${setting}/${hubSplit}/${f}`)]);
  if (!path.endsWith('.parquet')) {
    for await (const el of streamJsonArray(path)) yield hotpotFromOriginal(el.value, { file: path, row: el.index });
    return;
  }
  for (const f of parquet) {
    const p = join(parquetDir, f);
    const records = await readParquet(p);
    for (let i = 0; i < records.length; i++) yield hotpotFromRecord(records[i]!, { file: p, row: i + 1 });
  }
}
