/**
 * The reader's view of a table with uncertainty columns (uncertainty-rows.ts): for every column X
 * with companions X_stderr / X_n / X_ci_low / X_ci_high / X_p / X_p_adjusted / X_significant, one text cell
 *   ours / chance rows:  "0.5875 ± 0.0554"          (value ± standard error)
 *   paired delta rows:   "-0.0125 [-0.0625, 0.0375] p=0.640 (Holm p=1.000) n.s."   (95% CI, two-sided p,
 *                        the multiplicity-adjusted p when the table has one, marker)
 * and the companions dropped (X_seed_sd, the SD across training seeds, too: the CSV keeps it); X's header becomes "X (n=80)" when every row with a value has the
 * same n, otherwise cells carry " n=..". The CSV keeps the numeric table; this is for md / html.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';

export interface UncertainDisplayOptions {
  readonly digits: number;            // decimals of values, stderrs and CI ends
  readonly dropColumns: readonly string[]; // columns left out of the view (e.g. row_kind)
}

export const uncertainDisplayDefaults: UncertainDisplayOptions = { digits: 4, dropColumns: ['row_kind'] };

const num = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

function pText(p: number): string {
  return p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`;
}

export function uncertainDisplay(t: ColumnTable, opts: Partial<UncertainDisplayOptions> = {}): ColumnTable {
  const o = { ...uncertainDisplayDefaults, ...opts };
  const names = t.columnNames();
  const rows = t.objects() as Record<string, unknown>[];
  const has = (n: string) => names.includes(n);
  const bases = names.filter((n) => has(`${n}_stderr`) || has(`${n}_ci_low`));
  const companions = new Set(bases.flatMap((b) => ['stderr', 'n', 'ci_low', 'ci_high', 'p', 'p_adjusted', 'significant', 'seed_sd'].map((s) => `${b}_${s}`)));
  const f = (v: number) => v.toFixed(o.digits);
  const cols: Record<string, unknown[]> = {};
  for (const n of names) {
    if (companions.has(n) || o.dropColumns.includes(n)) continue;
    if (!bases.includes(n)) { cols[n] = rows.map((r) => r[n] ?? null); continue; }
    const ns = [...new Set(rows.filter((r) => num(r[n]) && num(r[`${n}_n`])).map((r) => r[`${n}_n`] as number))];
    const uniform = ns.length === 1;
    const header = uniform ? `${n} (n=${ns[0]})` : n;
    cols[header] = rows.map((r) => {
      const v = r[n];
      if (!num(v)) return null;
      let s = f(v);
      if (num(r[`${n}_ci_low`]) && num(r[`${n}_ci_high`])) {
        s += ` [${f(r[`${n}_ci_low`] as number)}, ${f(r[`${n}_ci_high`] as number)}]`;
        if (num(r[`${n}_p`])) s += ` ${pText(r[`${n}_p`] as number)}`;
        if (num(r[`${n}_p_adjusted`])) s += ` (Holm ${pText(r[`${n}_p_adjusted`] as number)})`;
        if (r[`${n}_significant`] === 'yes' || r[`${n}_significant`] === 'no') s += r[`${n}_significant`] === 'yes' ? ' significant' : ' n.s.';
      } else if (num(r[`${n}_stderr`])) s += ` ± ${f(r[`${n}_stderr`] as number)}`;
      if (!uniform && num(r[`${n}_n`])) s += ` n=${r[`${n}_n`]}`;
      return s;
    });
  }
  return aq.table(cols);
}
