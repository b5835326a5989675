/**
 * JSON Lines (https://jsonlines.org): one JSON value per line. Blank lines (also a final newline)
 * are skipped, as `datasets`' json loader does; every other line must parse or the reader throws
 * a DataError naming the file and the 1-based line.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { DataError, stripBom } from './data-error.ts';

/** One parsed line: its 1-based line number in the file and the JSON value. */
export interface JsonlRow {
  readonly line: number;
  readonly value: unknown;
}

function parseLine(file: string, line: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DataError(file, line, `invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Streams a .jsonl file line by line (constant memory); throws DataError on the first bad line. */
export async function* streamJsonl(path: string): AsyncGenerator<JsonlRow> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of rl) {
      line++;
      const text = line === 1 ? stripBom(raw) : raw;
      if (text.trim() === '') continue;
      yield { line, value: parseLine(path, line, text) };
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(path, undefined, `cannot read (${e instanceof Error ? e.message : String(e)})`);
  } finally {
    rl.close();
  }
}

/** Parses jsonl text already in memory (`file` is used in error messages). */
export function parseJsonl(text: string, file: string): JsonlRow[] {
  const out: JsonlRow[] = [];
  const lines = stripBom(text).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (t.trim() === '') continue;
    out.push({ line: i + 1, value: parseLine(file, i + 1, t) });
  }
  return out;
}

/** Reads a whole .jsonl file synchronously (for the small evaluation files). */
export function readJsonl(path: string): JsonlRow[] {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    throw new DataError(path, undefined, `cannot read (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseJsonl(text, path);
}
