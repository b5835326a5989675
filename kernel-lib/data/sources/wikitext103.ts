/**
 * WikiText-103 (Merity et al. 2016), raw, at DOCUMENT level: a document starts at a top-level
 * heading line ` = Title = ` (section headings ` = = Section = = ` stay inside it), as
 * EleutherAI/wikitext_document_level builds its `page` rows. Read from
 *  - the original `wikitext103/wiki.{train,valid,test}.raw` (streamed line by line: the train file is 540 MB);
 *  - or the Hub's line-level parquet (`Salesforce/wikitext`, `wikitext103/wikitext-103-raw-v1/<split>-0000N-of-0000M.parquet`, column text).
 * The same reader serves WikiText-2 (`wikitext2/`) and the mini profile's corpus text.
 */
import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { readParquet } from '../formats/parquet.ts';
import { findDataFile } from './source-file.ts';

export interface WikiDocument {
  /** The heading's title, e.g. `Robert Boulter`. */
  readonly title: string;
  /** The document's lines (heading included), joined with '\n', as the raw file has them. */
  readonly text: string;
}

export type WikitextSplit = 'train' | 'validation' | 'test';

const TOP_HEADING = /^ = ([^=].*?) = $/;
const RAW_NAME: Record<WikitextSplit, string> = { train: 'wiki.train.raw', validation: 'wiki.valid.raw', test: 'wiki.test.raw' };

/** Groups raw lines (without line ends) into documents at top-level headings; text before the first heading is dropped. */
export async function* documentsFromLines(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<WikiDocument> {
  let title: string | null = null;
  let buf: string[] = [];
  for await (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const m = TOP_HEADING.exec(line);
    if (m) {
      if (title !== null) yield { title, text: buf.join('\n').trimEnd() };
      title = m[1]!;
      buf = [line];
    } else if (title !== null) buf.push(line);
  }
  if (title !== null) yield { title, text: buf.join('\n').trimEnd() };
}

async function* parquetLines(files: readonly string[]): AsyncGenerator<string> {
  for (const f of files) {
    for (const r of await readParquet(f, ['text'])) {
      const t = String(r.text ?? '');
      for (const line of t.replace(/\n$/, '').split('\n')) yield line;
    }
  }
}

/**
 * Streams the documents of a split from `<dataDir>/<folder>/` (folder `wikitext103` or `wikitext2`):
 * the raw file, else the Hub parquet shards in `<folder>/<config>/`.
 */
export async function* streamWikitextDocuments(dataDir: string, split: WikitextSplit, folder = 'wikitext103'): AsyncGenerator<WikiDocument> {
  const config = folder === 'wikitext2' ? 'wikitext-2-raw-v1' : 'wikitext-103-raw-v1';
  const hubSplit = split === 'validation' ? 'validation' : split;
  let shards: string[] = [];
  try {
    shards = readdirSync(join(dataDir, folder, config)).filter((f) => f.startsWith(`${hubSplit}-`) && f.endsWith('.parquet')).sort();
  } catch { /* no parquet folder */ }
  const path = findDataFile(dataDir, folder, [`${folder}/${RAW_NAME[split]}`, ...shards.map((s) => `${folder}/${config}/${s}`)]);
  if (path.endsWith('.parquet')) {
    yield* documentsFromLines(parquetLines(shards.map((s) => join(dataDir, folder, config, s))));
    return;
  }
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  try { yield* documentsFromLines(rl); } finally { rl.close(); }
}
