/**
 * GLUE-style TSV: lines split on '\n' (a trailing '\r' dropped), fields split on '\t', and NO
 * quote processing: a '"' is an ordinary character. This is how GLUE's own loaders and the
 * `datasets` glue script read these files (`csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)`).
 * Blank lines are skipped; a UTF-8 BOM at the start is dropped (MRPC's dev.tsv has one).
 */
import { readFileSync } from 'node:fs';
import { DataError, stripBom } from './data-error.ts';

/** One data line: its 1-based line number in the file and its fields. */
export interface TsvRow {
  readonly line: number;
  readonly fields: string[];
}

export interface TsvTable {
  /** Column names from the first line, or null when read with `header: false`. */
  readonly header: string[] | null;
  readonly rows: TsvRow[];
}

/** Splits TSV text; with `header` the first non-blank line becomes the column names. */
export function parseTsv(text: string, file: string, header: boolean): TsvTable {
  const lines = stripBom(text).split('\n');
  let head: string[] | null = null;
  const rows: TsvRow[] = [];
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (t === '') continue;
    const fields = t.split('\t');
    if (header && head === null) { head = fields; continue; }
    rows.push({ line: i + 1, fields });
  }
  if (header && head === null) throw new DataError(file, undefined, 'empty file: expected a header line');
  return { header: head, rows };
}

/** Reads a GLUE TSV file (no quote processing). */
export function readTsv(path: string, header: boolean): TsvTable {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    throw new DataError(path, undefined, `cannot read (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseTsv(text, path, header);
}

/** Column index of `name` in a header, or a DataError naming the file and the columns it has. */
export function columnIndex(table: TsvTable, name: string, file: string): number {
  const i = table.header?.indexOf(name) ?? -1;
  if (i < 0) throw new DataError(file, 1, `missing column '${name}' (header has: ${(table.header ?? []).join(', ')})`);
  return i;
}
