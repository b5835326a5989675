/**
 * A pandas-style `describe()` of a dataset table, computed with arquero: one row per column with
 * its type, count of valid values, missing, unique, and for numeric columns mean, sample standard
 * deviation, min, quartiles (linear interpolation) and max; for text columns the most frequent
 * value and the mean text length.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';

/** One column's summary (numeric fields are null for non-numeric columns). */
export interface ColumnSummary {
  readonly column: string;
  readonly type: 'number' | 'string' | 'boolean' | 'mixed' | 'empty';
  readonly count: number;
  readonly missing: number;
  readonly unique: number;
  readonly mean: number | null;
  readonly std: number | null;
  readonly min: number | null;
  readonly p25: number | null;
  readonly median: number | null;
  readonly p75: number | null;
  readonly max: number | null;
  readonly top: string | null;        // most frequent value (text/boolean columns)
  readonly meanLength: number | null; // mean length of text values
}

function typeOf(values: readonly unknown[]): ColumnSummary['type'] {
  const kinds = new Set(values.filter((v) => v !== null && v !== undefined && !(typeof v === 'number' && Number.isNaN(v))).map((v) => typeof v));
  if (kinds.size === 0) return 'empty';
  if (kinds.size > 1) return 'mixed';
  const k = [...kinds][0];
  return k === 'number' || k === 'string' || k === 'boolean' ? k : 'mixed';
}

/** Summaries of every column of `t`, as an arquero table (one row per column). */
export function describeTable(t: ColumnTable): ColumnTable {
  const rows: ColumnSummary[] = t.columnNames().map((c) => {
    const f = `d[${JSON.stringify(c)}]`;
    const values = t.array(c) as unknown[];
    const type = typeOf(values);
    const basic = t.rollup({ count: `d => op.valid(${f})`, distinct: `d => op.distinct(${f})` }).object() as { count: number; distinct: number };
    const missing = t.numRows() - basic.count;
    const unique = basic.distinct - (missing > 0 ? 1 : 0);
    const none = { mean: null, std: null, min: null, p25: null, median: null, p75: null, max: null, top: null, meanLength: null };
    if (type === 'number') {
      const s = t.rollup({
        mean: `d => op.mean(${f})`, std: `d => op.stdev(${f})`, min: `d => op.min(${f})`, p25: `d => op.quantile(${f}, 0.25)`,
        median: `d => op.median(${f})`, p75: `d => op.quantile(${f}, 0.75)`, max: `d => op.max(${f})`,
      }).object() as Record<string, number | undefined>;
      const num = (k: string) => (s[k] === undefined || Number.isNaN(s[k]) ? null : s[k]!);
      return { column: c, type, count: basic.count, missing, unique, ...none,
        mean: num('mean'), std: num('std'), min: num('min'), p25: num('p25'), median: num('median'), p75: num('p75'), max: num('max') };
    }
    if (type === 'string' || type === 'boolean') {
      const s = t.rollup({ top: `d => op.mode(${f})` }).object() as { top: unknown };
      const texts = values.filter((v): v is string => typeof v === 'string');
      const meanLength = texts.length ? texts.reduce((a, v) => a + v.length, 0) / texts.length : null;
      return { column: c, type, count: basic.count, missing, unique, ...none, top: s.top === undefined || s.top === null ? null : String(s.top), meanLength };
    }
    return { column: c, type, count: basic.count, missing, unique, ...none };
  });
  return aq.from(rows);
}
