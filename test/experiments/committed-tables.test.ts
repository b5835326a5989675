/**
 * The committed study tables (results/tables/*.csv, from `npm run reproduce`) carry the statistics
 * the README's claims rest on: raw and Holm-adjusted p in every paired row, with "significant"
 * following the adjusted p; constant-answer rows in Table 1; the dense control in Table 2 and the
 * perplexity table; perplexity over at least 20 held-out documents with its documents column; training seeds:
 * a seeds column and per-task seed SDs, >= 3 seeds per trained row of Table 2 and the perplexity table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const TASKS = ['piqa', 'openbookqa', 'mmlu', 'hellaswag', 'glue'];
const dir = join(import.meta.dirname, '..', '..', 'results', 'tables');

/** RFC 4180 rows (quoted fields may hold commas) as objects keyed by the header. */
function readCsv(name: string): Record<string, string>[] {
  const text = readFileSync(join(dir, `${name}.csv`), 'utf8').trim();
  const rows: string[][] = [];
  let field = '', row: string[] = [], quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else field += ch;
  }
  row.push(field); rows.push(row);
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header!.map((h, k) => [h, r[k] ?? ''])));
}

test('Tables 1-3: every paired cell has a raw and a Holm-adjusted p, adjusted >= raw, and significant follows the adjusted p', () => {
  for (const name of ['table1', 'table2', 'table3']) {
    const deltas = readCsv(name).filter((r) => r.row_kind === 'paired delta');
    assert.ok(deltas.length >= 2, `${name}: paired rows`);
    for (const r of deltas) for (const t of TASKS) {
      const p = Number(r[`${t}_p`]), adj = Number(r[`${t}_p_adjusted`]);
      assert.ok(r[`${t}_p_adjusted`] !== '' && adj >= p - 1e-12 && adj <= 1, `${name} ${r.model} ${t}: p ${p}, adjusted ${r[`${t}_p_adjusted`]}`);
      assert.equal(r[`${t}_significant`], adj < 0.05 ? 'yes' : 'no', `${name} ${r.model} ${t}`);
    }
  }
});

test('Table 1 has constant-answer rows beside the chance row; Table 2 and the perplexity table have the dense control', () => {
  const t1 = readCsv('table1');
  assert.ok(t1.some((r) => r.row_kind === 'chance'));
  const constants = t1.filter((r) => r.row_kind === 'constant answer');
  assert.ok(constants.length >= 2, 'always choice 1 and always choice 2 at least');
  for (const r of constants.slice(0, 2)) for (const t of TASKS) assert.ok(Number(r[t]) >= 0 && Number(r[t]) <= 1, `${r.model} ${t}`);
  assert.ok(readCsv('table2').some((r) => r.row_kind === 'ours' && /dense control/.test(r.model!)));
  assert.ok(readCsv('table2').some((r) => r.row_kind === 'paired delta' && /dense control/.test(r.model!)));
  assert.ok(readCsv('table2-perplexity').some((r) => r.row_kind === 'ours' && r.method === 'dense control'));
});

test('the perplexity table: every row over >= 20 held-out documents, with adjusted p on every paired ratio', () => {
  const rows = readCsv('table2-perplexity');
  for (const r of rows) {
    assert.ok(Number(r.documents) >= 20, `${r.method}: ${r.documents} documents`);
    if (r.row_kind === 'paired ratio') assert.ok(r.perplexity_p_adjusted !== '' && Number(r.perplexity_p_adjusted) >= Number(r.perplexity_p) - 1e-12, r.method);
  }
});

test('training seeds: every table has a seeds column and <task>_seed_sd; Table 2 and the perplexity table rest on >= 3 seeds per trained row (npm run reproduce:seeds)', () => {
  for (const name of ['table1', 'table2', 'table3']) {
    const rows = readCsv(name);
    for (const col of ['seeds', ...TASKS.map((t) => `${t}_seed_sd`)]) assert.ok(col in rows[0]!, `${name}: no ${col} column`);
  }
  for (const r of readCsv('table2').filter((x) => x.row_kind === 'ours')) {
    assert.ok(Number(r.seeds) >= 3, `table2 ${r.model}: ${r.seeds} seeds`);
    for (const t of TASKS) assert.ok(r[`${t}_seed_sd`] !== '' && Number(r[`${t}_seed_sd`]) >= 0, `table2 ${r.model} ${t}_seed_sd: '${r[`${t}_seed_sd`]}'`);
  }
  const ppl = readCsv('table2-perplexity');
  for (const col of ['seeds', 'perplexity_seed_sd']) assert.ok(col in ppl[0]!, `table2-perplexity: no ${col} column`);
  for (const r of ppl.filter((x) => x.row_kind === 'ours')) {
    assert.ok(Number(r.seeds) >= 3, `table2-perplexity ${r.method} ${r.model}: ${r.seeds} seeds`);
    assert.ok(r.perplexity_seed_sd !== '' && Number(r.perplexity_seed_sd) >= 0, `table2-perplexity ${r.method}: perplexity_seed_sd '${r.perplexity_seed_sd}'`);
  }
});
