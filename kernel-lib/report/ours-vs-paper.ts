/**
 * The "ours vs paper" layout: one row per model we ran, and for each task column our value, the
 * published value of the matching paper row and the delta (ours - paper), plus sparsity and
 * parameter columns, a suspect flag from the reading notes and a provenance line.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { PAPER, PAPER_TASKS, PAPER_TASK_LABELS, paperRow, type PaperTask } from './paper.ts';

/** One of our evaluated models. */
export interface OursRow {
  readonly model: string;                                  // our label, e.g. 'gpt2-mini finetuned'
  readonly paperRow: string | null;                        // PAPER row id to compare with, or null
  readonly scores: Readonly<Partial<Record<PaperTask, number>>>; // our accuracies (fractions)
  readonly sparsity?: number | null;                       // our sparsity (fraction), if pruned
  readonly params?: number | null;                         // our parameter count
  readonly stderr?: Readonly<Partial<Record<PaperTask, number | null>>>; // standard error of each score
  readonly n?: Readonly<Partial<Record<PaperTask, number | null>>>;      // documents behind each score
  /** Training seeds behind the row (its scores are their mean); when any row has it the table gets `seeds` and `<task>_seed_sd` columns. */
  readonly seeds?: number | null;
  readonly seedSd?: Readonly<Partial<Record<PaperTask, number | null>>>; // sample SD of each score across seeds (null for one seed)
}

export interface OursVsPaperOptions {
  readonly tasks: readonly PaperTask[];   // task columns, in order
  readonly profile: string;               // e.g. 'mini' or 'paper': written into the provenance line
  readonly models: string;                // what our models are (e.g. 'mini GPT-2 from models/mini, seed 0')
}

export const oursVsPaperDefaults: OursVsPaperOptions = { tasks: PAPER_TASKS, profile: 'unknown', models: 'unspecified' };

export interface OursVsPaper {
  readonly table: ColumnTable;
  readonly provenance: string;            // one line: profile, models, paper source
  readonly notes: readonly string[];      // provenance first, then the caveats of the rows compared
}

/** ours - paper, rounded to 1e-6 so CSV shows no float noise; null when either side is missing. */
export function delta(ours: number | undefined | null, paper: number | undefined | null): number | null {
  if (ours === undefined || ours === null || paper === undefined || paper === null) return null;
  return Math.round((ours - paper) * 1e6) / 1e6;
}

export function oursVsPaper(rows: readonly OursRow[], opts: Partial<OursVsPaperOptions> = {}): OursVsPaper {
  const o = { ...oursVsPaperDefaults, ...opts };
  for (const t of o.tasks) if (!PAPER_TASKS.includes(t)) throw new Error(`oursVsPaper: unknown task '${t}' (known: ${PAPER_TASKS.join(', ')})`);
  const seeded = rows.some((r) => r.seeds !== undefined);
  const cols: Record<string, unknown[]> = { model: [], paper_row: [], sparsity: [], paper_sparsity: [], params: [], ...(seeded ? { seeds: [] } : {}) };
  for (const t of o.tasks) {
    cols[t] = []; cols[`${t}_stderr`] = []; cols[`${t}_n`] = [];
    if (seeded) cols[`${t}_seed_sd`] = [];
    cols[`${t}_paper`] = []; cols[`${t}_delta`] = [];
  }
  cols.suspect = [];
  const compared = new Set<string>();
  for (const [i, r] of rows.entries()) {
    if (typeof r.model !== 'string' || r.model === '') throw new Error(`oursVsPaper: row ${i} needs a non-empty 'model'`);
    const p = r.paperRow === null ? null : paperRow(r.paperRow);
    if (p) compared.add(p.id);
    cols.model!.push(r.model);
    cols.paper_row!.push(p ? `${p.table}: ${p.label}` : null);
    cols.sparsity!.push(r.sparsity ?? null);
    cols.paper_sparsity!.push(p?.sparsity ?? null);
    cols.params!.push(r.params ?? null);
    if (seeded) cols.seeds!.push(r.seeds ?? null);
    for (const t of o.tasks) {
      const ours = r.scores[t] ?? null;
      const pub = p ? p.scores[t] : null;
      cols[t]!.push(ours);
      cols[`${t}_stderr`]!.push(r.stderr?.[t] ?? null);
      cols[`${t}_n`]!.push(r.n?.[t] ?? null);
      if (seeded) cols[`${t}_seed_sd`]!.push(r.seedSd?.[t] ?? null);
      cols[`${t}_paper`]!.push(pub);
      cols[`${t}_delta`]!.push(delta(ours, pub));
    }
    cols.suspect!.push(p?.suspect ? 'yes' : null);
  }
  const provenance = `ours: profile '${o.profile}', models: ${o.models}; paper: ${PAPER.source} (delta = ours - paper)`;
  const caveats = PAPER.caveats.filter((c) => compared.has(c.concerns)).map((c) => `Note: ${c.text}`);
  return { table: aq.table(cols), provenance, notes: [provenance, ...caveats] };
}

/** A published table (Table 1, 2 or 3) as printed, plus sparsity and a suspect column. */
export function paperTable(table: 'Table 1' | 'Table 2' | 'Table 3'): ColumnTable {
  const rows = PAPER.rows.filter((r) => r.table === table);
  if (rows.length === 0) throw new Error(`paperTable: no '${table}' (known: Table 1, Table 2, Table 3)`);
  const cols: Record<string, unknown[]> = { Model: rows.map((r) => r.label), sparsity: rows.map((r) => r.sparsity) };
  for (const t of PAPER_TASKS) cols[PAPER_TASK_LABELS[t]] = rows.map((r) => r.scores[t]);
  cols.suspect = rows.map((r) => (r.suspect ? 'yes' : null));
  return aq.table(cols);
}

/** One of our pruning runs, for the perplexity comparison. */
export interface OursPerplexity {
  /** 'dense control': the unpruned model given the same recovery training (no published point: paperMethod null). */
  readonly method: 'one-shot' | 'iterative' | 'dense control';
  /** The write-up's point this run stands beside (default: its `method`'s); null: none (empty paper cells). */
  readonly paperMethod?: 'one-shot' | 'iterative' | null;
  readonly model: string;          // our label
  readonly sparsity: number;       // fraction, as we count it
  readonly perplexity: number;     // our validation perplexity after recovery fine-tuning
  readonly stderr?: number | null; // perplexity x se(L) (stats/perplexity-uncertainty.ts)
  readonly ciLow?: number | null;  // 95% interval
  readonly ciHigh?: number | null;
  readonly tokens?: number | null; // target tokens the perplexity averages over
  readonly blocks?: number | null; // disjoint blocks
  readonly documents?: number | null; // documents the blocks come from (the sampling unit when known)
}

/** Our perplexity per pruning run next to the write-up's (166.41 one-shot at 47%, 121.41 iterative at 46%);
 *  a run with `paperMethod: null` gets empty paper cells. */
export function oursVsPaperPerplexity(rows: readonly OursPerplexity[]): ColumnTable {
  const find = (m: string, what: string) => {
    const p = PAPER.perplexity.find((x) => x.method === m);
    if (!p) throw new Error(`oursVsPaperPerplexity: ${what} must be one-shot or iterative, got '${m}'`);
    return p;
  };
  const pubs = rows.map((r) => {
    if (r.method !== 'dense control') find(r.method, 'method');
    else if (r.paperMethod !== null) throw new Error(`oursVsPaperPerplexity: the dense control has no published point (paperMethod null), got '${String(r.paperMethod)}'`);
    const m = r.paperMethod === undefined ? r.method : r.paperMethod;
    return m === null ? null : find(m, 'paperMethod');
  });
  return aq.table({
    method: rows.map((r) => r.method),
    model: rows.map((r) => r.model),
    sparsity: rows.map((r) => r.sparsity),
    paper_sparsity: pubs.map((p) => p?.sparsity ?? null),
    perplexity: rows.map((r) => r.perplexity),
    perplexity_stderr: rows.map((r) => r.stderr ?? null),
    perplexity_ci_low: rows.map((r) => r.ciLow ?? null),
    perplexity_ci_high: rows.map((r) => r.ciHigh ?? null),
    tokens: rows.map((r) => r.tokens ?? null),
    blocks: rows.map((r) => r.blocks ?? null),
    documents: rows.map((r) => r.documents ?? null),
    paper_perplexity: pubs.map((p) => p?.perplexity ?? null),
    perplexity_delta: rows.map((r, i) => delta(r.perplexity, pubs[i]?.perplexity)),
  });
}
