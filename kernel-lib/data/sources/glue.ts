/**
 * GLUE (Wang et al. 2019) dev sets in the TSV files GLUE distributes (read with no quote
 * processing, as its loaders do) under `glue/<Task>/dev*.tsv`, or the Hub parquet
 * (`nyu-mll/glue`, `<config>/validation-00000-of-00001.parquet`). Rows use the Hub's field names
 * (sentence / sentence1,sentence2 / question1,question2 / question,sentence / premise,hypothesis),
 * label as the Hub's ClassLabel index, and idx = row position.
 *
 * File layouts (GLUE's):
 *  CoLA  dev.tsv            no header: source, label, original mark, sentence
 *  SST-2 dev.tsv            header: sentence, label
 *  MRPC  dev.tsv            header: Quality, #1 ID, #2 ID, #1 String, #2 String
 *  RTE   dev.tsv            header: index, sentence1, sentence2, label (entailment|not_entailment);
 *                           also the Hub's export layout sentence1, sentence2, label (0/1), idx,
 *                           which is CSV-quoted (pandas to_csv with sep='\t') and read as such
 *  WNLI  dev.tsv            header: index, sentence1, sentence2, label (0/1)
 *  QNLI  dev.tsv            header: index, question, sentence, label (entailment|not_entailment)
 *  QQP   dev.tsv            header: id, qid1, qid2, question1, question2, is_duplicate
 *  MNLI  dev_matched.tsv / dev_mismatched.tsv: GLUE columns, sentence1/sentence2/gold_label by name
 */
import { readTsv, columnIndex, type TsvTable } from '../formats/tsv.ts';
import { readCsv } from '../formats/csv.ts';
import { readParquet } from '../formats/parquet.ts';
import { DataError } from '../formats/data-error.ts';
import { intValue } from '../formats/fields.ts';
import { findDataFile } from './source-file.ts';
import { readHubParquet } from './hub-parquet.ts';

export type GlueConfig = 'cola' | 'sst2' | 'mrpc' | 'qqp' | 'mnli_matched' | 'mnli_mismatched' | 'qnli' | 'rte' | 'wnli';

/** A GLUE row: the text fields of its config plus label and idx. */
export interface GlueRow {
  readonly [field: string]: string | number;
  readonly label: number;
  readonly idx: number;
}

interface Layout {
  readonly dir: string;                         // folder under glue/
  readonly file: string;                        // dev file name
  readonly hubConfig: string;                   // nyu-mll/glue config
  readonly hubSplit: string;
  readonly header: boolean;
  /** Hub field name -> column (header name, or index when there is no header). */
  readonly columns: Readonly<Record<string, string | number>>;
  readonly label: string | number;
  /** Label text -> ClassLabel index (absent: the label is already an integer). */
  readonly labelNames?: readonly string[];
  readonly numLabels: number;
}

const NLI2 = ['entailment', 'not_entailment'];

const LAYOUTS: Record<GlueConfig, Layout> = {
  cola: { dir: 'CoLA', file: 'dev.tsv', hubConfig: 'cola', hubSplit: 'validation', header: false, columns: { sentence: 3 }, label: 1, numLabels: 2 },
  sst2: { dir: 'SST-2', file: 'dev.tsv', hubConfig: 'sst2', hubSplit: 'validation', header: true, columns: { sentence: 'sentence' }, label: 'label', numLabels: 2 },
  mrpc: { dir: 'MRPC', file: 'dev.tsv', hubConfig: 'mrpc', hubSplit: 'validation', header: true, columns: { sentence1: '#1 String', sentence2: '#2 String' }, label: 'Quality', numLabels: 2 },
  qqp: { dir: 'QQP', file: 'dev.tsv', hubConfig: 'qqp', hubSplit: 'validation', header: true, columns: { question1: 'question1', question2: 'question2' }, label: 'is_duplicate', numLabels: 2 },
  mnli_matched: { dir: 'MNLI', file: 'dev_matched.tsv', hubConfig: 'mnli', hubSplit: 'validation_matched', header: true, columns: { premise: 'sentence1', hypothesis: 'sentence2' }, label: 'gold_label', labelNames: ['entailment', 'neutral', 'contradiction'], numLabels: 3 },
  mnli_mismatched: { dir: 'MNLI', file: 'dev_mismatched.tsv', hubConfig: 'mnli', hubSplit: 'validation_mismatched', header: true, columns: { premise: 'sentence1', hypothesis: 'sentence2' }, label: 'gold_label', labelNames: ['entailment', 'neutral', 'contradiction'], numLabels: 3 },
  qnli: { dir: 'QNLI', file: 'dev.tsv', hubConfig: 'qnli', hubSplit: 'validation', header: true, columns: { question: 'question', sentence: 'sentence' }, label: 'label', labelNames: NLI2, numLabels: 2 },
  rte: { dir: 'RTE', file: 'dev.tsv', hubConfig: 'rte', hubSplit: 'validation', header: true, columns: { sentence1: 'sentence1', sentence2: 'sentence2' }, label: 'label', labelNames: NLI2, numLabels: 2 },
  wnli: { dir: 'WNLI', file: 'dev.tsv', hubConfig: 'wnli', hubSplit: 'validation', header: true, columns: { sentence1: 'sentence1', sentence2: 'sentence2' }, label: 'label', numLabels: 2 },
};

/** The text field names of a config's rows (e.g. ['premise', 'hypothesis'] for MNLI). */
export function glueFields(config: GlueConfig): string[] {
  return Object.keys(LAYOUTS[config].columns);
}

/** Reads a config's dev set from a data folder (TSV, else Hub parquet). */
export async function readGlue(dataDir: string, config: GlueConfig): Promise<GlueRow[]> {
  const l = LAYOUTS[config];
  const path = findDataFile(dataDir, `glue ${config}`, [
    `glue/${l.dir}/${l.file}`,
    `glue/${l.hubConfig}/${l.hubSplit}-00000-of-00001.parquet`,
  ]);
  if (path.endsWith('.parquet')) return glueFromRecords(config, await readParquet(path), path);
  return readGlueTsv(config, path);
}

/** Reads one GLUE TSV file of `config`'s layout (see the file comment). */
export function readGlueTsv(config: GlueConfig, path: string): GlueRow[] {
  const l = LAYOUTS[config];
  let table: TsvTable = readTsv(path, l.header);
  if (config === 'rte' && table.header && !table.header.includes('index') && table.header.includes('idx')) {
    // The Hub's export layout: CSV quoting with tab separators, integer labels.
    const recs = readCsv(path, { delimiter: '\t' }).filter((r) => !(r.fields.length === 1 && r.fields[0] === ''));
    if (recs.length === 0) throw new DataError(path, undefined, 'empty file: expected a header line');
    table = { header: recs[0]!.fields, rows: recs.slice(1).map((r) => ({ line: r.line, fields: r.fields })) };
    return tableRows(table, path, { ...l, labelNames: undefined });
  }
  return tableRows(table, path, l);
}

function tableRows(table: TsvTable, path: string, l: Layout): GlueRow[] {
  if (table.rows.length === 0) throw new DataError(path, undefined, 'empty file: no data rows');
  const col = (c: string | number): number => (typeof c === 'number' ? c : columnIndex(table, c, path));
  const cols = Object.entries(l.columns).map(([k, c]) => [k, col(c)] as const);
  const labelCol = col(l.label);
  const width = table.header?.length ?? Math.max(labelCol, ...cols.map(([, i]) => i)) + 1;
  return table.rows.map((r, idx) => {
    if (table.header ? r.fields.length !== width : r.fields.length < width) {
      throw new DataError(path, r.line, `expected ${width} tab-separated fields, got ${r.fields.length}`);
    }
    const row: Record<string, string | number> = {};
    for (const [k, i] of cols) row[k] = r.fields[i]!;
    const raw = r.fields[labelCol]!;
    let label: number;
    if (l.labelNames) {
      label = l.labelNames.indexOf(raw);
      if (label < 0) throw new DataError(path, r.line, `label out of range: '${raw}' (expected ${l.labelNames.join(' | ')})`);
    } else {
      label = intValue(raw, 'label', { file: path, row: r.line }, 0, l.numLabels - 1);
    }
    return { ...row, label, idx } as GlueRow;
  });
}

/** Hub parquet records of `config` -> rows. */
export function glueFromRecords(config: GlueConfig, records: readonly Record<string, unknown>[], file: string): GlueRow[] {
  const l = LAYOUTS[config];
  if (records.length === 0) throw new DataError(file, undefined, 'no rows');
  return records.map((o, i) => {
    const row: Record<string, string | number> = {};
    for (const k of Object.keys(l.columns)) {
      const v = o[k];
      if (typeof v !== 'string') throw new DataError(file, i + 1, `missing field '${k}'`);
      row[k] = v;
    }
    const label = intValue(o['label'], 'label', { file, row: i + 1 }, 0, l.numLabels - 1);
    return { ...row, label, idx: i } as GlueRow;
  });
}

/** Reads a config's evaluation split from the hub parquet (nyu-mll/glue). */
export async function readGlueHub(config: GlueConfig): Promise<GlueRow[]> {
  const l = LAYOUTS[config];
  const { records, file } = await readHubParquet({ repo: 'nyu-mll/glue', path: `${l.hubConfig}/${l.hubSplit}-00000-of-00001.parquet` });
  return glueFromRecords(config, records, file);
}
