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
import { perplexityUncertainty, seededPerplexityUncertainty } from '../stats/perplexity-uncertainty.ts';
import { holmAdjust } from '../stats/holm-adjust.ts';
import { columnChance, columnConstant, columnMaxChoices, columnN, columnStderr, pairedColumnDelta, seededColumnDelta, seededColumnValue, seedSd } from './column-stats.ts';
import type { EvaluateStepResult } from './steps/evaluate-step.ts';
import { inPhase } from '../runtime/wall-profile.ts';

type PerTask<T> = Partial<Record<PaperTask, T>>;

/** stderr and n of every study column of one evaluated model. */
export function scoreUncertainty(e: EvaluateStepResult, tasks: readonly PaperTask[] = PAPER_TASKS): { stderr: PerTask<number | null>; n: PerTask<number | null> } {
  const stderr: PerTask<number | null> = {}, n: PerTask<number | null> = {};
  for (const t of tasks) { stderr[t] = columnStderr(e, t); n[t] = columnN(e, t); }
  return { stderr, n };
}

/**
 * An arm's columns over its training-seed runs (seed 0 first): value = mean over runs of the step's
 * score, stderr from the two-level bootstrap over documents and seeds (stats/seeded-bootstrap.ts),
 * n, and the sample SD across seeds (null for one run). One run: its score and scoreUncertainty, as before.
 */
export function seededScoreUncertainty(runs: readonly EvaluateStepResult[], tasks: readonly PaperTask[] = PAPER_TASKS): {
  scores: PerTask<number>; stderr: PerTask<number | null>; n: PerTask<number | null>; seedSd: PerTask<number | null>; seeds: number;
} {
  if (runs.length === 0) throw new Error('seededScoreUncertainty: no runs');
  if (runs.length === 1) return { scores: runs[0]!.scores, ...scoreUncertainty(runs[0]!, tasks), seedSd: Object.fromEntries(tasks.map((t) => [t, null])), seeds: 1 };
  return inPhase('statistics', () => {
    const scores: PerTask<number> = {}, stderr: PerTask<number | null> = {}, n: PerTask<number | null> = {}, sd: PerTask<number | null> = {};
    for (const t of tasks) {
      const vs = runs.map((e) => e.scores[t]);
      if (vs.every((v): v is number => typeof v === 'number')) scores[t] = vs.reduce((a, v) => a + v, 0) / vs.length;
      stderr[t] = seededColumnValue(runs, t)?.stderr ?? null;
      n[t] = columnN(runs[0]!, t);
      sd[t] = seedSd(vs);
    }
    return { scores, stderr, n, seedSd: sd, seeds: runs.length };
  });
}

/** One paired comparison row over training seeds: column(A) - column(B), documents and seeds resampled (seededColumnDelta). */
export function seededComparisonRow(label: string, a: readonly EvaluateStepResult[], b: readonly EvaluateStepResult[], pairSeeds: boolean, tasks: readonly PaperTask[] = PAPER_TASKS): ComparisonRow {
  return inPhase('statistics', () => ({ label, cells: Object.fromEntries(tasks.map((t) => [t, seededColumnDelta(a, b, t, pairSeeds)])) }));
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

/**
 * A perplexity row over training seeds (seed 0 first): one run as perplexityInterval; several: the geometric
 * mean of the runs' perplexities with the two-level bootstrap's stderr and interval (stats/perplexity-uncertainty.ts),
 * and the SD of the runs' perplexities.
 */
export function seededPerplexityInterval(values: readonly number[], blocks: readonly (readonly BlockLoss[] | undefined)[], alpha = 0.05): {
  perplexity: number; seeds: number; seedSd: number | null; stderr: number | null; ciLow: number | null; ciHigh: number | null; tokens: number | null; blocks: number | null; documents: number | null;
} {
  if (values.length === 1) return { perplexity: values[0]!, seeds: 1, seedSd: null, ...perplexityInterval(values[0]!, blocks[0], alpha) };
  const u = inPhase('statistics', () => seededPerplexityUncertainty(values, blocks, alpha));
  if (!u) {
    const geometric = Math.exp(values.reduce((a, v) => a + Math.log(v), 0) / values.length);
    return { perplexity: geometric, seeds: values.length, seedSd: seedSd(values), stderr: null, ciLow: null, ciHigh: null, tokens: null, blocks: null, documents: null };
  }
  return { perplexity: u.value, seeds: u.seeds, seedSd: u.seedSd, stderr: u.stderr, ciLow: u.ciLow, ciHigh: u.ciHigh, tokens: u.tokens, blocks: u.blocks, documents: u.documents };
}

/** The note on training seeds of a table whose trained rows ran under `seeds` seeds. */
export function seedsNote(seeds: number): string {
  if (seeds === 1) {
    return 'Training seeds: one (seed 0) per trained arm (seeds column); the ± and the paired tests cover the choice of evaluation documents only, not the training seed (lab reproduce --seeds N runs every trained arm N times).';
  }
  return `Training seeds: ${seeds} per trained arm (seeds 0-${seeds - 1}; seeds column): seed s sets the data order of the multi-task fine-tuning and of the recovery training (the dense control uses its one-shot sibling's), `
    + 'and each seed\'s pruned models start from the model fine-tuned with that seed; the base models are untrained (one run). Pruning calibration is not re-seeded, but it differs per seed with the fine-tuned model. '
    + 'A trained row\'s value is the mean over its seeds (perplexity: the geometric mean, the scale its ratios use); "± stderr" and every paired row come from a two-level bootstrap that resamples documents (within each task) and seeds (with replacement, '
    + 'the same seed draws for two arms of the same per-seed chain), so they include the seed-to-seed spread; <task>_seed_sd / perplexity_seed_sd in the CSV = the sample SD of the value across seeds (docs/statistics.md).';
}

export { perplexityPairsTable } from './perplexity-pairs-table.ts';
