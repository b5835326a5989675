/**
 * The printed results table in lm-eval's layout (make_table): a markdown table with columns
 * Tasks | Version | Filter | n-shot | Metric | | Value | | Stderr, one line per metric,
 * followed by a Groups table. Subtasks of a group are listed under it with a " - " prefix.
 */
import type { EvalResult, MetricValue } from './types.ts';

function fmt(v: MetricValue | string | undefined): string {
  return typeof v === 'number' ? v.toFixed(4) : String(v ?? '');
}

/** A version as lm-eval's table prints it: task versions are YAML floats (1.0), group versions ints (2). */
function versionText(result: EvalResult, name: string): string {
  const v = result.versions[name];
  if (typeof v === 'number') return Number.isInteger(v) && !(name in result.groups) ? v.toFixed(1) : String(v);
  return String(v ?? '');
}

function render(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => `|${cells.map((c, i) => (i >= 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('|')}|`;
  return [line(header), `|${widths.map((w, i) => (i >= 6 ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join('|')}|`, ...rows.map(line)].join('\n');
}

function rowsFor(result: EvalResult, names: readonly string[], depth: Map<string, number>): string[][] {
  const out: string[][] = [];
  for (const name of names) {
    const r = result.results[name] ?? result.groups[name];
    if (!r) continue;
    const d = depth.get(name) ?? 0;
    const alias = `${d > 0 ? `${' '.repeat(d)}- ` : ''}${String(r['alias'] ?? name)}`;   // lm-eval: ' - stem', '  - anatomy'
    const metrics = Object.keys(r).filter((k) => k.endsWith(',none') && !k.includes('_stderr,') && !k.startsWith('components'));
    metrics.forEach((k, i) => {
      const m = k.slice(0, -',none'.length);
      const hib = result.higher_is_better[name]?.[m];
      const se = r[`${m}_stderr,none`];
      out.push([
        i === 0 ? alias : '', i === 0 ? versionText(result, name) : '', i === 0 ? 'none' : '',
        i === 0 ? String(result['n-shot'][name] ?? 0) : '', m, hib === undefined ? '' : hib ? '↑' : '↓',
        fmt(r[k]), se === undefined ? '' : '±', fmt(se),
      ]);
    });
  }
  return out;
}

/** Tasks table then (if any) groups table, as lm-eval prints after a run. */
export function formatResultsTable(result: EvalResult): string {
  const header = ['Tasks', 'Version', 'Filter', 'n-shot', 'Metric', '', 'Value', '', 'Stderr'];
  const depth = new Map<string, number>();
  const order: string[] = [];
  const visit = (name: string, d: number): void => {
    if (depth.has(name)) return;
    depth.set(name, d);
    order.push(name);
    for (const c of result.group_subtasks[name] ?? []) visit(c, d + 1);
  };
  const children = new Set(Object.values(result.group_subtasks).flat());
  for (const name of [...Object.keys(result.group_subtasks), ...Object.keys(result.results)]) {
    if (!children.has(name)) visit(name, 0);
  }
  const tables = [render(header, rowsFor(result, order, depth))];
  const groups = Object.keys(result.groups);
  if (groups.length > 0) {
    const gd = new Map<string, number>();
    tables.push(render(['Groups', ...header.slice(1)], rowsFor({ ...result, results: {} }, groups, gd)));
  }
  return tables.join('\n\n');
}
