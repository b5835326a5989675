/**
 * RFC 4180 CSV: fields separated by `delimiter`, records by CRLF or LF; a field in double quotes
 * may hold delimiters, quotes (doubled: "") and line breaks. This is what Python's csv module
 * reads by default (MMLU's CSVs were written with pandas / csv.writer). A final line break is
 * optional. Every record carries its 1-based record number and the line it starts on.
 */
import { readFileSync } from 'node:fs';
import { DataError, stripBom } from './data-error.ts';

export interface CsvOptions {
  /** Field separator (',' for CSV; '\t' for tab-separated files that still use CSV quoting). */
  readonly delimiter: string;
  /** Name used in error messages. */
  readonly file: string;
}

/** One record: its 1-based number, the 1-based line it starts on, and its fields. */
export interface CsvRecord {
  readonly row: number;
  readonly line: number;
  readonly fields: string[];
}

/** Parses CSV text into records; throws DataError on an unterminated quote or a stray quote. */
export function parseCsv(text: string, options: Partial<CsvOptions> = {}): CsvRecord[] {
  const delim = options.delimiter ?? ',';
  const file = options.file ?? '<csv>';
  if (delim.length !== 1 || delim === '"' || delim === '\n' || delim === '\r') {
    throw new Error(`parseCsv: options.delimiter must be one character other than quote or newline, got ${JSON.stringify(delim)}`);
  }
  const s = stripBom(text);
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let startLine = 1;
  let i = 0;
  let atFieldStart = true;
  const endRecord = (): void => {
    fields.push(field);
    out.push({ row: out.length + 1, line: startLine, fields });
    fields = [];
    field = '';
    atFieldStart = true;
  };
  while (i < s.length) {
    const c = s[i]!;
    if (atFieldStart && c === '"') {
      // quoted field: runs to the next lone quote
      i++;
      for (;;) {
        if (i >= s.length) throw new DataError(file, out.length + 1, `unterminated quoted field starting on line ${startLine}`);
        const q = s[i]!;
        if (q === '"') {
          if (s[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      const n = s[i];
      if (n !== undefined && n !== delim && n !== '\n' && n !== '\r') {
        throw new DataError(file, out.length + 1, `unexpected character ${JSON.stringify(n)} after closing quote on line ${line}`);
      }
      atFieldStart = false;
      continue;
    }
    atFieldStart = false;
    if (c === delim) { fields.push(field); field = ''; atFieldStart = true; i++; continue; }
    if (c === '\r' && s[i + 1] === '\n') { i++; continue; }
    if (c === '\n') {
      endRecord();
      i++;
      line++;
      startLine = line;
      continue;
    }
    field += c;
    i++;
  }
  if (!(atFieldStart && fields.length === 0 && field === '')) endRecord();
  return out;
}

/** Reads and parses a CSV file. */
export function readCsv(path: string, options: Partial<Omit<CsvOptions, 'file'>> = {}): CsvRecord[] {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    throw new DataError(path, undefined, `cannot read (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseCsv(text, { ...options, file: path });
}
