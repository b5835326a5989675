/**
 * Python str methods the benchmark definitions use, with Python's semantics (lm-eval's tasks
 * are Python; JS trim()/\s differ at the edges: Python's whitespace includes \x1c-\x1f and \x85
 * but not U+FEFF).
 */

/** Characters for which Python's str.isspace() is true. */
const WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEAD = new RegExp(`^[${WS}]+`);
const TRAIL = new RegExp(`[${WS}]+$`);
/** Python re's \s for str patterns (same set as str.isspace). */
export const PY_WHITESPACE_CLASS = `[${WS}]`;

/** str.strip() */
export function pyStrip(s: string): string {
  return s.replace(LEAD, '').replace(TRAIL, '');
}

/** str.rstrip() */
export function pyRstrip(s: string): string {
  return s.replace(TRAIL, '');
}

/** str.capitalize(): first character upper-cased, the rest lower-cased. (Python >= 3.8 title-cases the
 *  first character: differs from upper-casing only for digraphs such as U+01C6.) */
export function pyCapitalize(s: string): string {
  const cps = [...s];
  if (cps.length === 0) return s;
  return cps[0]!.toUpperCase() + cps.slice(1).join('').toLowerCase();
}

/** len(s) in Python: Unicode code points (not UTF-16 units). */
export function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** len(s.encode("utf-8")) */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
