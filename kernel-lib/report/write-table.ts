/** Writes a table as results/tables/<name>.{csv,md,html}, each file atomically. */
import { join } from 'node:path';
import type { ColumnTable } from 'arquero';
import { resultsDir, writeFileAtomic } from '../runtime/files.ts';
import { escapeHtml, tableCsv, tableHtml, tableMarkdown, TABLE_CSS, type TableFormatOptions } from './table-format.ts';
import { inPhase } from '../runtime/wall-profile.ts';

export interface WriteTableOptions extends TableFormatOptions {
  readonly title: string;      // heading for md/html ('' for none)
  readonly notes: readonly string[]; // lines under the table in md/html (provenance, caveats); never in CSV
  readonly dir: string;        // output folder (default <results>/tables)
  readonly display?: ColumnTable; // what md/html show instead of the CSV's table (e.g. uncertain-display.ts: "value ± stderr" cells)
}

/** File paths written by writeTable. */
export interface WrittenTable { readonly csv: string; readonly md: string; readonly html: string }

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function writeTable(t: ColumnTable, name: string, opts: Partial<WriteTableOptions> = {}): WrittenTable {
  return inPhase('tables', () => writeTableFiles(t, name, opts));
}

function writeTableFiles(t: ColumnTable, name: string, opts: Partial<WriteTableOptions>): WrittenTable {
  if (!NAME.test(name)) throw new Error(`writeTable: name '${name}' must be letters, digits, '.', '_' or '-' (no folders)`);
  const dir = opts.dir ?? join(resultsDir(), 'tables');
  const title = opts.title ?? '';
  const notes = opts.notes ?? [];
  const paths = { csv: join(dir, `${name}.csv`), md: join(dir, `${name}.md`), html: join(dir, `${name}.html`) };
  writeFileAtomic(paths.csv, tableCsv(t));
  const shown = opts.display ?? t;
  const md = [title ? `### ${title}\n\n` : '', tableMarkdown(shown, opts), notes.length ? '\n' + notes.map((n) => `${n}\n`).join('\n') : ''].join('');
  writeFileAtomic(paths.md, md);
  const html = `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title || name)}</title>`
    + `<style>${TABLE_CSS}</style></head><body>\n${title ? `<h3>${escapeHtml(title)}</h3>\n` : ''}${tableHtml(shown, opts)}\n`
    + notes.map((n) => `<p>${escapeHtml(n)}</p>\n`).join('') + '</body></html>\n';
  writeFileAtomic(paths.html, html);
  return paths;
}
