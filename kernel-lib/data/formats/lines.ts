/**
 * Plain line files such as PIQA's / SIQA's `*-labels.lst` (one label per line). Lines are split
 * on '\n' with a trailing '\r' dropped; a final empty line (trailing newline) is not a row.
 */
import { readFileSync } from 'node:fs';
import { DataError, stripBom } from './data-error.ts';

/** Splits text into lines, keeping interior empty lines (they are rows) but not a final one. */
export function parseLines(text: string): string[] {
  const lines = stripBom(text).split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Reads a line file; an empty file is an error (a labels file always has rows). */
export function readLines(path: string): string[] {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    throw new DataError(path, undefined, `cannot read (${e instanceof Error ? e.message : String(e)})`);
  }
  const lines = parseLines(text);
  if (lines.length === 0) throw new DataError(path, undefined, 'empty file');
  return lines;
}
