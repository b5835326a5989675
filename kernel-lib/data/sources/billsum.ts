/**
 * BillSum (Kornilova & Eidelman 2019) in its published formats:
 *  - the original jsonl files `billsum/us_train_data_final_OFFICIAL.jsonl`, `us_test_data_final_OFFICIAL.jsonl`,
 *    `ca_test_data_final_OFFICIAL.jsonl` (rows carry text, summary, title and more fields, which are ignored);
 *  - the Hub parquet (`FiscalNote/billsum`: `billsum/{train,test,ca_test}-00000-of-00001.parquet`, or under `data/`).
 * Rows {text, summary, title}; train 18,949 / test 3,269 / ca_test 1,237.
 */
import { streamJsonl } from '../formats/jsonl.ts';
import { readParquet } from '../formats/parquet.ts';
import { asObject, stringField, type RowRef } from '../formats/fields.ts';
import { findDataFile } from './source-file.ts';

export interface BillsumRow {
  readonly text: string;
  readonly summary: string;
  readonly title: string;
}

export type BillsumSplit = 'train' | 'test' | 'ca_test';

const ORIGINAL: Record<BillsumSplit, string> = {
  train: 'us_train_data_final_OFFICIAL.jsonl', test: 'us_test_data_final_OFFICIAL.jsonl', ca_test: 'ca_test_data_final_OFFICIAL.jsonl',
};

export function billsumFromObject(value: unknown, at: RowRef): BillsumRow {
  const o = asObject(value, at);
  return { text: stringField(o, 'text', at), summary: stringField(o, 'summary', at), title: stringField(o, 'title', at) };
}

/** Streams a split: original jsonl line by line, else the Hub parquet. */
export async function* streamBillsum(dataDir: string, split: BillsumSplit): AsyncGenerator<BillsumRow> {
  const pq = `${split}-00000-of-00001.parquet`;
  const path = findDataFile(dataDir, 'billsum', [`billsum/${ORIGINAL[split]}`, `billsum/${pq}`, `billsum/data/${pq}`]);
  if (path.endsWith('.jsonl')) {
    for await (const r of streamJsonl(path)) yield billsumFromObject(r.value, { file: path, row: r.line });
    return;
  }
  const records = await readParquet(path, ['text', 'summary', 'title']);
  for (let i = 0; i < records.length; i++) yield billsumFromObject(records[i], { file: path, row: i + 1 });
}
