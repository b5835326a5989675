/**
 * Field checks for parsed rows (jsonl objects, parquet records): each returns the typed value or
 * throws a DataError naming the file, the row and the field, so every source validates the same way.
 */
import { DataError } from './data-error.ts';

/** Where a row came from, for error messages. */
export interface RowRef {
  readonly file: string;
  readonly row: number;
}

/** The value as a plain object (a jsonl line must be a JSON object). */
export function asObject(value: unknown, at: RowRef): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DataError(at.file, at.row, `expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A required string field. */
export function stringField(obj: Record<string, unknown>, key: string, at: RowRef): string {
  const v = obj[key];
  if (v === undefined || v === null) throw new DataError(at.file, at.row, `missing field '${key}'`);
  if (typeof v !== 'string') throw new DataError(at.file, at.row, `field '${key}' must be a string, got ${JSON.stringify(v)}`);
  return v;
}

/** A required integer field in [min, max]; numeric strings ("2") and bigints are accepted. */
export function intField(obj: Record<string, unknown>, key: string, at: RowRef, min: number, max: number): number {
  const v = obj[key];
  if (v === undefined || v === null) throw new DataError(at.file, at.row, `missing field '${key}'`);
  return intValue(v, `field '${key}'`, at, min, max);
}

/** Parses an integer label (number, bigint or decimal string) and checks its range. */
export function intValue(v: unknown, what: string, at: RowRef, min: number, max: number): number {
  const n = typeof v === 'bigint' ? Number(v)
    : typeof v === 'number' ? v
      : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v.trim()) : NaN;
  if (!Number.isInteger(n)) throw new DataError(at.file, at.row, `${what} must be an integer, got ${JSON.stringify(typeof v === 'bigint' ? String(v) : v)}`);
  if (n < min || n > max) throw new DataError(at.file, at.row, `${what} out of range: ${n} (expected ${min}..${max})`);
  return n;
}

/** A required array of strings (optionally of an exact length). */
export function stringArrayField(obj: Record<string, unknown>, key: string, at: RowRef, length?: number): string[] {
  const v = obj[key];
  if (v === undefined || v === null) throw new DataError(at.file, at.row, `missing field '${key}'`);
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw new DataError(at.file, at.row, `field '${key}' must be an array of strings`);
  }
  if (length !== undefined && v.length !== length) {
    throw new DataError(at.file, at.row, `field '${key}' must have ${length} entries, got ${v.length}`);
  }
  return [...v] as string[];
}
