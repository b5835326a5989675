/**
 * Text forms of an arquero table: CSV (RFC 4180, full precision), GitHub-flavoured Markdown and
 * an HTML <table> (numbers rounded to `digits`). Missing values (null, undefined, NaN) are empty cells.
 */
import type { ColumnTable } from 'arquero';

export interface TableFormatOptions {
  readonly digits: number;                                    // decimals for non-integer numbers in md/html
  readonly formats: Readonly<Record<string, (v: unknown) => string>>; // per-column formatter override (md/html)
}

export const tableFormatDefaults: TableFormatOptions = { digits: 4, formats: {} };

const missing = (v: unknown) => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

function cellText(v: unknown, digits: number): string {
  if (missing(v)) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(digits);
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

function columns(t: ColumnTable): { names: string[]; rows: Record<string, unknown>[]; numeric: boolean[] } {
  const names = t.columnNames();
  const rows = t.objects() as Record<string, unknown>[];
  const numeric = names.map((n) => rows.some((r) => typeof r[n] === 'number') && rows.every((r) => missing(r[n]) || typeof r[n] === 'number'));
  return { names, rows, numeric };
}

/** CSV with a header row; numbers at full precision; fields quoted when they hold , " CR LF. */
export function tableCsv(t: ColumnTable): string {
  const { names, rows } = columns(t);
  const field = (v: unknown) => {
    const s = missing(v) ? '' : v instanceof Date ? v.toISOString() : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [names.map(field).join(','), ...rows.map((r) => names.map((n) => field(r[n])).join(','))].join('\n') + '\n';
}

function formatted(t: ColumnTable, opts: Partial<TableFormatOptions>) {
  const o = { ...tableFormatDefaults, ...opts };
  if (!Number.isInteger(o.digits) || o.digits < 0 || o.digits > 20) throw new Error(`table format: digits must be an integer in [0, 20], got ${o.digits}`);
  const c = columns(t);
  const text = (n: string, v: unknown) => (o.formats[n] ? o.formats[n]!(v) : cellText(v, o.digits));
  return { ...c, cells: c.rows.map((r) => c.names.map((n) => text(n, r[n]))) };
}

/** GitHub-flavoured Markdown table; numeric columns right-aligned. */
export function tableMarkdown(t: ColumnTable, opts: Partial<TableFormatOptions> = {}): string {
  const { names, numeric, cells } = formatted(t, opts);
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const line = (xs: string[]) => `| ${xs.map(esc).join(' | ')} |`;
  const rule = `|${numeric.map((n) => (n ? ' ---: ' : ' :--- ')).join('|')}|`;
  return [line(names), rule, ...cells.map(line)].join('\n') + '\n';
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** An HTML <table> fragment (class "lab-table"); numeric cells right-aligned. */
export function tableHtml(t: ColumnTable, opts: Partial<TableFormatOptions> = {}): string {
  const { names, numeric, cells } = formatted(t, opts);
  const td = (tag: string, s: string, i: number) => `<${tag}${numeric[i] ? ' class="num"' : ''}>${escapeHtml(s)}</${tag}>`;
  const head = `<thead><tr>${names.map((n, i) => td('th', n, i)).join('')}</tr></thead>`;
  const body = `<tbody>${cells.map((r) => `<tr>${r.map((s, i) => td('td', s, i)).join('')}</tr>`).join('')}</tbody>`;
  return `<table class="lab-table">${head}${body}</table>`;
}

/** CSS for tables in HTML files and notebook output. */
export const TABLE_CSS = '.lab-table{border-collapse:collapse;font:13px sans-serif}'
  + '.lab-table th,.lab-table td{border:1px solid #ccc;padding:2px 6px;text-align:left}'
  + '.lab-table .num{text-align:right;font-variant-numeric:tabular-nums}';
