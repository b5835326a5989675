/**
 * WikiText-2 raw (Merity et al. 2016), `wikitext2/wiki.{train,valid,test}.raw`, grouped into
 * Wikipedia articles exactly as `EleutherAI/wikitext_document_level` (the dataset lm-eval's
 * wikitext task reads) builds its `page` rows:
 *   split the file on "\n"; a line starts a new page when, after "= = =" -> "===" and
 *   "= =" -> "==" and stripping, it starts with "= " and ends with " ="; accumulated lines are
 *   joined with "\n"; a page is emitted only if its stripped text is non-empty, except the last,
 *   which is always emitted.
 * A '\r' before each '\n' is dropped first (the original files use LF; some copies use CRLF).
 */
import { readFileSync } from 'node:fs';
import { DataError } from '../formats/data-error.ts';
import { findDataFile } from './source-file.ts';
import { pyStrip } from '../formats/py-string.ts';
import { readHubParquet } from './hub-parquet.ts';

export interface WikiTextPage {
  readonly page: string;
}

export type WikiTextSplit = 'train' | 'validation' | 'test';

const STEM: Record<WikiTextSplit, string> = { train: 'train', validation: 'valid', test: 'test' };

/** Groups raw WikiText lines into article pages (see the file comment). */
export function wikitextPages(raw: string): WikiTextPage[] {
  const lines = raw.replaceAll('\r\n', '\n').split('\n');
  const pages: WikiTextPage[] = [];
  let acc: string[] = [];
  for (const line of lines) {
    const r = pyStrip(line.replaceAll('= = =', '===').replaceAll('= =', '=='));
    if (r.startsWith('= ') && r.endsWith(' =')) {
      const page = acc.join('\n');
      if (pyStrip(page) !== '') pages.push({ page });
      acc = [];
    }
    acc.push(line);
  }
  pages.push({ page: acc.join('\n') });
  return pages;
}

/** Reads a split's raw file from a data folder and groups it into pages. */
export function readWikiText2(dataDir: string, split: WikiTextSplit): WikiTextPage[] {
  const path = findDataFile(dataDir, 'wikitext2', [`wikitext2/wiki.${STEM[split]}.raw`]);
  const text = readFileSync(path, 'utf8');
  if (text.trim() === '') throw new DataError(path, undefined, 'empty file');
  return wikitextPages(text);
}

/** Reads a split's pages from the hub parquet (EleutherAI/wikitext_document_level, wikitext-2-raw-v1). */
export async function readWikiText2Hub(split: WikiTextSplit): Promise<WikiTextPage[]> {
  const c = 'wikitext-2-raw-v1';
  const { records, file } = await readHubParquet({ repo: 'EleutherAI/wikitext_document_level', path: `${c}/${c}-${split}.parquet` });
  if (records.length === 0) throw new DataError(file, undefined, 'no rows');
  return records.map((o, i) => {
    const page = o['page'];
    if (typeof page !== 'string') throw new DataError(file, i + 1, "missing field 'page'");
    return { page };
  });
}
