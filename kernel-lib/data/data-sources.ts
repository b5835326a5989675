/**
 * The registry of fine-tuning and LM sources: each entry streams a split's rows from a data
 * folder (`--data-dir`, LAB_REAL_DATA, the mini data folder, or the hub-data view that
 * `lab data download` builds), formats them for packing, and lists its Hub files.
 * Splits use the Hub's names: train, validation, test.
 */
import type { Tokenizer } from '../tokenizer/types.ts';
import type { PackRecord } from './packing.ts';
import { formatBillsum, formatDefaults, formatHotpotQa, formatOpenBookQa, formatPiqa, formatSiqa, formatterVersions, type FormatConfig } from './formatters.ts';
import { readSiqa } from './sources/siqa.ts';
import { readPiqa } from './sources/piqa.ts';
import { readOpenBookQa } from './sources/openbookqa.ts';
import { streamHotpotQa } from './sources/hotpotqa.ts';
import { streamBillsum } from './sources/billsum.ts';
import { streamWikitextDocuments } from './sources/wikitext103.ts';
import { streamWikipedia, type WikipediaSubset } from './sources/wikipedia.ts';

/** What formatters may need: a tokenizer for token budgets, and the budgets. */
export interface FormatContext {
  readonly tokenizer?: Tokenizer;
  readonly format?: Partial<FormatConfig>;
  /** Wikipedia subset (rows, seed, config). */
  readonly wikipedia?: Partial<WikipediaSubset>;
}

/** One Hub file of a source and where it appears in the data-folder view. */
export interface HubFile {
  readonly repo: string;
  readonly revision: string;
  readonly path: string;
  /** Path relative to the data folder that the source's reader looks for. */
  readonly local: string;
}

export interface DataSource {
  readonly name: string;
  /** `task`: prompt/target records (loss on targets); `lm`: plain text (loss on everything). */
  readonly kind: 'task' | 'lm';
  readonly splits: readonly string[];
  /** Version of the formatter (token-cache key). */
  readonly formatterVersion: number;
  /** Streams the raw rows of a split (validated; errors name file and row). */
  rows(dataDir: string, split: string, ctx?: FormatContext): AsyncGenerator<unknown>;
  /** One raw row -> a packing record. */
  format(row: unknown, ctx?: FormatContext): PackRecord;
  /** Files `lab data download` fetches (Hub parquet; the original archives are not on the Hub). */
  readonly hub: readonly HubFile[];
}

function needTokenizer(ctx: FormatContext | undefined, source: string): Tokenizer {
  if (!ctx?.tokenizer) throw new Error(`${source}: formatting needs a tokenizer (token budget)`);
  return ctx.tokenizer;
}

function checkSplit(source: string, splits: readonly string[], split: string): void {
  if (!splits.includes(split)) throw new Error(`${source}: unknown split '${split}' (has ${splits.join(', ')})`);
}

async function* fromArray<T>(rows: Promise<readonly T[]> | readonly T[]): AsyncGenerator<T> {
  for (const r of await rows) yield r;
}

const parquet = (repo: string, paths: readonly string[], local: (p: string) => string, revision = 'refs/convert/parquet'): HubFile[] =>
  paths.map((path) => ({ repo, revision, path, local: local(path) }));

export const siqaSource: DataSource = {
  name: 'siqa', kind: 'task', splits: ['train', 'validation'], formatterVersion: formatterVersions.siqa,
  rows(dataDir, split) { checkSplit('siqa', ['train', 'validation'], split); return fromArray(readSiqa(dataDir, split as 'train')); },
  format: (r) => formatSiqa(r as Parameters<typeof formatSiqa>[0]),
  hub: parquet('allenai/social_i_qa', ['default/train/0000.parquet', 'default/validation/0000.parquet'], (p) => `siqa/${p}`),
};

export const piqaSource: DataSource = {
  name: 'piqa', kind: 'task', splits: ['train', 'validation'], formatterVersion: formatterVersions.piqa,
  rows(dataDir, split) { checkSplit('piqa', ['train', 'validation'], split); return fromArray(readPiqa(dataDir, split as 'train')); },
  format: (r) => formatPiqa(r as Parameters<typeof formatPiqa>[0]),
  hub: parquet('baber/piqa', ['piqa_train.parquet', 'piqa_validation.parquet'], (p) => `piqa/${p}`, 'main'),
};

export const openbookqaSource: DataSource = {
  name: 'openbookqa', kind: 'task', splits: ['train', 'validation', 'test'], formatterVersion: formatterVersions.openbookqa,
  rows(dataDir, split) { checkSplit('openbookqa', ['train', 'validation', 'test'], split); return fromArray(readOpenBookQa(dataDir, split as 'train')); },
  format: (r) => formatOpenBookQa(r as Parameters<typeof formatOpenBookQa>[0]),
  hub: parquet('allenai/openbookqa', ['main/train-00000-of-00001.parquet', 'main/validation-00000-of-00001.parquet', 'main/test-00000-of-00001.parquet'],
    (p) => `openbookqa/${p}`, 'main'),
};

export const hotpotqaSource: DataSource = {
  name: 'hotpotqa', kind: 'task', splits: ['train', 'validation'], formatterVersion: formatterVersions.hotpotqa,
  rows(dataDir, split) { checkSplit('hotpotqa', ['train', 'validation'], split); return streamHotpotQa(dataDir, split as 'train', 'distractor'); },
  format: (r, ctx) => formatHotpotQa(r as Parameters<typeof formatHotpotQa>[0], needTokenizer(ctx, 'hotpotqa'), { ...formatDefaults, ...ctx?.format }),
  hub: parquet('hotpotqa/hotpot_qa', ['distractor/train/0000.parquet', 'distractor/train/0001.parquet', 'distractor/validation/0000.parquet'], (p) => `hotpotqa/${p}`),
};

export const billsumSource: DataSource = {
  name: 'billsum', kind: 'task', splits: ['train', 'test', 'ca_test'], formatterVersion: formatterVersions.billsum,
  rows(dataDir, split) { checkSplit('billsum', ['train', 'test', 'ca_test'], split); return streamBillsum(dataDir, split as 'train'); },
  format: (r, ctx) => formatBillsum(r as Parameters<typeof formatBillsum>[0], needTokenizer(ctx, 'billsum'), { ...formatDefaults, ...ctx?.format }),
  hub: parquet('FiscalNote/billsum', ['data/train-00000-of-00001.parquet', 'data/test-00000-of-00001.parquet', 'data/ca_test-00000-of-00001.parquet'],
    (p) => `billsum/${p}`, 'main'),
};

export const wikitext103Source: DataSource = {
  name: 'wikitext103', kind: 'lm', splits: ['train', 'validation', 'test'], formatterVersion: formatterVersions.text,
  rows(dataDir, split) { checkSplit('wikitext103', ['train', 'validation', 'test'], split); return streamWikitextDocuments(dataDir, split as 'train', 'wikitext103'); },
  format: (r) => ({ text: (r as { text: string }).text }),
  hub: parquet('Salesforce/wikitext', ['wikitext-103-raw-v1/train-00000-of-00002.parquet', 'wikitext-103-raw-v1/train-00001-of-00002.parquet',
    'wikitext-103-raw-v1/validation-00000-of-00001.parquet', 'wikitext-103-raw-v1/test-00000-of-00001.parquet'], (p) => `wikitext103/${p}`, 'main'),
};

/** Shards of wikimedia/wikipedia 20231101.en (41 files, about 11 GB: download is opt-in by name). */
const WIKIPEDIA_SHARDS = 41;
export const wikipediaSource: DataSource = {
  name: 'wikipedia', kind: 'lm', splits: ['train'], formatterVersion: formatterVersions.text,
  rows(dataDir, split, ctx) { checkSplit('wikipedia', ['train'], split); return streamWikipedia(dataDir, ctx?.wikipedia); },
  format: (r) => ({ text: (r as { text: string }).text }),
  hub: parquet('wikimedia/wikipedia', Array.from({ length: WIKIPEDIA_SHARDS }, (_, i) =>
    `20231101.en/train-${String(i).padStart(5, '0')}-of-${String(WIKIPEDIA_SHARDS).padStart(5, '0')}.parquet`), (p) => `wikipedia/${p}`, 'main'),
};

/** All sources by name (explicit list, no scanning). */
export const dataSources: ReadonlyMap<string, DataSource> = new Map(
  [siqaSource, piqaSource, openbookqaSource, hotpotqaSource, billsumSource, wikitext103Source, wikipediaSource].map((s) => [s.name, s]),
);

/** The five fine-tuning sources of the study, in the paper's order. */
export const finetuneSourceNames: readonly string[] = ['siqa', 'piqa', 'openbookqa', 'hotpotqa', 'billsum'];

export function getDataSource(name: string): DataSource {
  const s = dataSources.get(name);
  if (!s) throw new Error(`unknown data source '${name}' (known: ${[...dataSources.keys()].join(', ')})`);
  return s;
}

/** Streams formatted records of a split. */
export async function* sourceRecords(source: DataSource, dataDir: string, split: string, ctx?: FormatContext): AsyncGenerator<PackRecord> {
  for await (const row of source.rows(dataDir, split, ctx)) yield source.format(row, ctx);
}
