/**
 * The statistics the study's tables carry (docs/statistics.md), from cached step results: n and
 * stderr per column, the chance-level row, paired comparisons between our models, perplexity
 * intervals (over documents, or over blocks for older cached steps) and the paired perplexity
 * ratios. study-tables.ts and the prune studies call these; nothing here runs a model.
 */
import { PAPER_TASKS, type PaperTask } from '../report/paper.ts';
import type { ComparisonRow, ConstantRow } from '../report/uncertainty-rows.ts';
import { defaults as bootstrapDefaults } from '../stats/paired-bootstrap.ts';
import type { BlockLoss } from '../stats/perplexity-stderr.ts';
import { perplexityUncertainty } from '../stats/perplexity-uncertainty.ts';
import { holmAdjust } from '../stats/holm-adjust.ts';
import { columnChance, columnConstant, columnMaxChoices, columnN, columnStderr, pairedColumnDelta } from './column-stats.ts';
import type { EvaluateStepResult } from './steps/evaluate-step.ts';
import { inPhase } from '../runtime/wall-profile.ts';

type PerTask<T> = Partial<Record<PaperTask, T>>;

/** stderr and n of every study column of one evaluated model. */
export function scoreUncertainty(e: EvaluateStepResult, tasks: readonly PaperTask[] = PAPER_TASKS): { stderr: PerTask<number | null>; n: PerTask<number | null> } {
  const stderr: PerTask<number | null> = {}, n: PerTask<number | null> = {};
  for (const t of tasks) { stderr[t] = columnStderr(e, t); n[t] = columnN(e, t); }
  return { stderr, n };
}

/** Chance level per column (the documents and labels are the same for every model of a profile). */
export function chanceRow(e: EvaluateStepResult, tasks: readonly PaperTask[] = PAPER_TASKS): PerTask<number | null> {
  return Object.fromEntries(tasks.map((t) => [t, columnChance(e, t)]));
}

/**
 * Constant-answer baselines (the documents and labels are the same for every model of a profile):
 * one row per choice position, "always choice c", with each column's score had every document been
 * answered so (empty where a column has no such choice).
 */
export function constantRows(e: EvaluateStepResult, tasks: readonly PaperTask[] = PAPER_TASKS): ConstantRow[] {
  const most = Math.max(0, ...tasks.map((t) => columnMaxChoices(e, t) ?? 0));
  return Array.from({ length: most }, (_, c) => ({
    label: `constant answer: always choice ${c + 1} (${String.fromCharCode(65 + c)}${c < 2 ? `; GLUE: label ${c}` : ''})`,
    cells: Object.fromEntries(tasks.map((t) => [t, columnConstant(e, t, c)])),
  }));
}

/** One paired comparison row: column(A) - column(B) on the same documents, per task. */
export function comparisonRow(label: string, a: EvaluateStepResult, b: EvaluateStepResult, tasks: readonly PaperTask[] = PAPER_TASKS): ComparisonRow {
  return inPhase('statistics', () => ({ label, cells: Object.fromEntries(tasks.map((t) => [t, pairedColumnDelta(a, b, t)])) }));
}

/**
 * Holm's adjustment over one table's family of paired tests (every comparison row x task cell):
 * each cell gets `pAdjusted`, and `significant` becomes adjusted p < alpha.
 */
export function holmFamily(rows: readonly ComparisonRow[], alpha = bootstrapDefaults.alpha): ComparisonRow[] {
  const cells = rows.flatMap((r) => Object.entries(r.cells).flatMap(([t, c]) => (c ? [{ r, t, c }] : [])));
  const adjusted = holmAdjust(cells.map((x) => x.c.p));
  const byRow = new Map(rows.map((r) => [r, { ...r.cells }]));
  cells.forEach((x, k) => { byRow.get(x.r)![x.t as PaperTask] = { ...x.c, pAdjusted: adjusted[k]!, significant: adjusted[k]! < alpha }; });
  return rows.map((r) => ({ label: r.label, cells: byRow.get(r)! }));
}

/** The notes that say what the ± and the delta rows mean. */
export function statisticsNotes(missingPerDoc: boolean, constants = false): string[] {
  const b = bootstrapDefaults;
  return [
    'Uncertainty: "value ± stderr" with n documents per column. acc: lm-eval\'s acc_stderr (sample stddev with n-1, over sqrt(n)); MMLU: lm-eval\'s pooled stderr of the size-weighted mean; '
      + 'GLUE: sqrt(sum of the 9 subtasks\' stderrs squared) / 9, the subtasks\' being lm-eval\'s (acc: sample stderr; MCC, F1: bootstrap).',
    'Chance level: the expected score of a uniform random guess among each document\'s choices: acc 1/k; MCC 0; F1 pi/(pi + 1/k) with pi the share of label 1 (so GLUE\'s chance level depends on its label shares).',
    ...(constants ? ['Constant-answer rows: the score of answering every document with the same choice position (GLUE: the same label on all nine subtasks; MCC is 0 for any constant answer, F1 is 0 for always 0 and 2pi/(pi + 1) for always 1). A model must beat the best of these, not only chance, to show it reads the documents.'] : []),
    `Paired delta rows (A - B): paired bootstrap over the same documents (resampled within each task, ${b.iters} replicates, seed ${b.seed}), [${100 * (1 - b.alpha)}% percentile CI], two-sided p; `
      + `"Holm p" adjusts p for the number of paired tests in this table (Holm's step-down method over every delta row x column), and "significant" = Holm p < ${b.alpha}: `
      + `without it, of 5 independent columns with no real difference at least one would read "significant" with probability 1 - 0.95^5 = 0.23. The CSV keeps both (<task>_p, <task>_p_adjusted).`,
    ...(missingPerDoc ? ['Some evaluate steps were cached before per-document outcomes were kept: their n, chance and paired cells are empty (delete results/steps/evaluate-* and rerun; the request cache makes it quick).'] : []),
  ];
}

/** Perplexity with its stderr and 95% interval: over documents when the blocks carry theirs, else over blocks centred on `value` (stats/perplexity-uncertainty.ts). */
export function perplexityInterval(value: number, blocks: readonly BlockLoss[] | undefined, alpha = 0.05): { stderr: number | null; ciLow: number | null; ciHigh: number | null; tokens: number | null; blocks: number | null; documents: number | null } {
  const u = perplexityUncertainty(value, blocks, alpha);
  if (!u) return { stderr: null, ciLow: null, ciHigh: null, tokens: null, blocks: null, documents: null };
  return { stderr: u.stderr, ciLow: u.ciLow, ciHigh: u.ciHigh, tokens: u.tokens, blocks: u.blocks, documents: u.documents };
}

export { perplexityPairsTable } from './perplexity-pairs-table.ts';
