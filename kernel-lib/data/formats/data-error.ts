/**
 * The one error type of every dataset reader: it names the file and the row (1-based line or
 * record number as the publisher's file shows it) so a bad row can be found with an editor.
 */
export class DataError extends Error {
  /** File the bad data came from. */
  readonly file: string;
  /** 1-based row (line for jsonl/tsv/lst, record for csv/parquet); undefined for whole-file errors. */
  readonly row: number | undefined;

  constructor(file: string, row: number | undefined, message: string) {
    super(`${file}${row === undefined ? '' : `: row ${row}`}: ${message}`);
    this.name = 'DataError';
    this.file = file;
    this.row = row;
  }
}

/** Removes a leading UTF-8 byte-order mark (U+FEFF), as Python's utf-8-sig codec does. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
