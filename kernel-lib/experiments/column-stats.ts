/**
 * Uncertainty of the study's columns (PIQA, OpenBookQA, MMLU, HellaSwag, GLUE) from the evaluate
 * step's per-document outcomes and lm-eval rows: n, stderr, chance level and the paired test of a
 * difference between two models on the same documents (docs/statistics.md). A column is a task or
 * group of the registry; how its leaves combine comes from the group definition (weighted-acc:
 * pooled over documents; glue-mean: unweighted mean of each member's headline metric), never from
 * task names here.
 */
import { expandTasks, getGroup } from '../eval/tasks/index.ts';
import type { TaskGroup } from '../eval/types.ts';
import { f1Score, matthewsCorrcoef, mean, sampleStddev, type GoldPred } from '../eval/metrics.ts';
import { chanceLevel } from '../stats/chance-level.ts';
import { independentMeanStderr } from '../stats/independent-mean-stderr.ts';
import { pairedBootstrap, type PairedBootstrapConfig, type PairedDelta } from '../stats/paired-bootstrap.ts';
import { seededBootstrap, seededPairedBootstrap, type SeededDelta, type SeededValue } from '../stats/seeded-bootstrap.ts';
import type { DocOutcomes } from './per-doc-outcomes.ts';
import { columnTask, type EvaluateStepResult } from './steps/evaluate-step.ts';

/** Headline metric of a (gold, pred) list, by lm-eval metric name. */
const METRICS: Readonly<Record<string, (items: readonly GoldPred[]) => number>> = {
  acc: (xs) => {   // the share of g === p, counted without an intermediate array (the bootstraps call it ~10^7 times)
    let right = 0;
    for (let i = 0; i < xs.length; i++) if (xs[i]![0] === xs[i]![1]) right++;
    return right / xs.length;
  },
  f1: f1Score,
  mcc: matthewsCorrcoef,
};

interface ColumnSpec {
  readonly leaves: readonly { readonly task: string; readonly metric: string }[];
  readonly group: TaskGroup | undefined;
}

function spec(column: string): ColumnSpec {
  const group = getGroup(column);
  const leaves = expandTasks([column]).tasks.filter((t) => t.outputType === 'multiple_choice')
    .map((t) => ({ task: t.name, metric: group?.headline?.[t.name] ?? 'acc' }));
  for (const l of leaves) if (!METRICS[l.metric]) throw new Error(`column ${column}: no statistic for metric '${l.metric}' of ${l.task}`);
  return { leaves, group };
}

/** The column's value from per-leaf metric values and sizes. */
function combine(s: ColumnSpec, values: readonly number[], sizes: readonly number[]): number {
  if (s.group?.aggregate === 'glue-mean') return mean(values);
  const total = sizes.reduce((a, b) => a + b, 0);
  return values.reduce((a, v, i) => a + v * sizes[i]!, 0) / total;   // one task, or size-weighted acc
}

/** The column's statistic of per-leaf (gold, pred) lists: `combine` of the leaves' metrics, in the same order of
 *  operations (so the same floats), without the intermediate arrays (the bootstraps call it ~10^6 times). */
function columnStatistic(s: ColumnSpec): (per: readonly (readonly GoldPred[])[]) => number {
  const fns = s.leaves.map((l) => METRICS[l.metric]!);
  if (s.group?.aggregate === 'glue-mean') {
    return (per) => { let sum = 0; for (let i = 0; i < per.length; i++) sum += fns[i]!(per[i]!); return sum / per.length; };
  }
  return (per) => {
    let total = 0, sum = 0;
    for (let i = 0; i < per.length; i++) total += per[i]!.length;
    for (let i = 0; i < per.length; i++) sum += fns[i]!(per[i]!) * per[i]!.length;
    return sum / total;
  };
}

function leafDocs(perDoc: Readonly<Record<string, DocOutcomes>>, task: string, who: string): DocOutcomes {
  const d = perDoc[task];
  if (!d) throw new Error(`${who}: no per-document outcomes for ${task}`);
  return d;
}

const pairs = (d: DocOutcomes): GoldPred[] => d.gold.map((g, i) => [g, d.pred[i]!] as const);

/** Documents behind a column (null when the step predates per-document outcomes). */
export function columnN(e: EvaluateStepResult, column: string): number | null {
  if (!e.perDoc) return null;
  return spec(columnTask(e, column)).leaves.reduce((s, l) => s + leafDocs(e.perDoc!, l.task, 'columnN').gold.length, 0);
}

/**
 * Standard error of a column: lm-eval's own where it has one (acc_stderr of a task, the pooled
 * stderr of a weighted group); for a glue-mean group, the independent-mean combination of the
 * members' lm-eval stderrs (acc: sample stderr; f1/mcc: bootstrap). null when any is "N/A".
 */
export function columnStderr(e: EvaluateStepResult, column: string): number | null {
  const row = e.perTask[columnTask(e, column)] as Record<string, unknown> | undefined;
  const s = spec(columnTask(e, column));
  if (s.group?.aggregate === 'glue-mean') {
    const ses = s.leaves.map((l) => (e.perTask[l.task] as Record<string, unknown> | undefined)?.[`${l.metric}_stderr,none`]);
    return ses.every((x): x is number => typeof x === 'number') ? independentMeanStderr(ses) : null;
  }
  const v = row?.['acc_stderr,none'];
  return typeof v === 'number' ? v : null;
}

/** Chance level of a column (stats/chance-level.ts) from the evaluated documents' labels and choice counts. */
export function columnChance(e: EvaluateStepResult, column: string): number | null {
  if (!e.perDoc) return null;
  const s = spec(columnTask(e, column));
  const docs = s.leaves.map((l) => leafDocs(e.perDoc!, l.task, 'columnChance'));
  return combine(s, s.leaves.map((l, i) => chanceLevel(l.metric, docs[i]!.gold, docs[i]!.choices)), docs.map((d) => d.gold.length));
}

/** The column recomputed from per-document outcomes (equals the step's score; a consistency check). */
export function columnValue(e: EvaluateStepResult, column: string): number | null {
  if (!e.perDoc) return null;
  const s = spec(columnTask(e, column));
  const docs = s.leaves.map((l) => leafDocs(e.perDoc!, l.task, 'columnValue'));
  return combine(s, s.leaves.map((l, i) => METRICS[l.metric]!(pairs(docs[i]!))), docs.map((d) => d.gold.length));
}

/**
 * The column's value had every document been answered with choice position `choice` (0 = the first
 * choice: "no" / "yes" / A, as the task orders them), a constant-answer baseline: unlike the chance
 * level it can beat a guesser when the labels are unbalanced (always "yes" on a task that is 70% yes).
 * null without per-document outcomes, or when some leaf has a document with no such choice.
 */
export function columnConstant(e: EvaluateStepResult, column: string, choice: number): number | null {
  if (!e.perDoc) return null;
  const s = spec(columnTask(e, column));
  const docs = s.leaves.map((l) => leafDocs(e.perDoc!, l.task, 'columnConstant'));
  if (docs.some((d) => d.choices.some((k) => k <= choice))) return null;
  return combine(s, s.leaves.map((l, i) => METRICS[l.metric]!(docs[i]!.gold.map((g) => [g, choice] as const))), docs.map((d) => d.gold.length));
}

/** The most choices any document of the column has. */
export function columnMaxChoices(e: EvaluateStepResult, column: string): number | null {
  if (!e.perDoc) return null;
  const s = spec(columnTask(e, column));
  return Math.max(...s.leaves.flatMap((l) => leafDocs(e.perDoc!, l.task, 'columnMaxChoices').choices));
}

/**
 * Paired bootstrap of column(A) - column(B) over documents, resampled within each leaf task (the
 * same indices for both models). null when either step predates per-document outcomes.
 */
export function pairedColumnDelta(a: EvaluateStepResult, b: EvaluateStepResult, column: string, config: Partial<PairedBootstrapConfig> = {}): PairedDelta | null {
  if (!a.perDoc || !b.perDoc) return null;
  if (columnTask(a, column) !== columnTask(b, column)) throw new Error(`pairedColumnDelta: column ${column} is ${columnTask(a, column)} for one model and ${columnTask(b, column)} for the other`);
  const s = spec(columnTask(a, column));
  const strata = s.leaves.map((l) => {
    const da = leafDocs(a.perDoc!, l.task, 'pairedColumnDelta'), db = leafDocs(b.perDoc!, l.task, 'pairedColumnDelta');
    if (da.gold.length !== db.gold.length || da.gold.some((g, i) => g !== db.gold[i])) {
      throw new Error(`pairedColumnDelta: ${l.task} was evaluated on different documents for the two models (${da.gold.length} vs ${db.gold.length} documents, or different labels)`);
    }
    return { a: pairs(da), b: pairs(db) };
  });
  return pairedBootstrap(strata, columnStatistic(s), config);
}

/** Per leaf task, the (gold, pred) items of every run, checked to be the same documents; the column's statistic. */
function seededStrata(runs: readonly EvaluateStepResult[], column: string, who: string): { items: GoldPred[][][]; stat: (per: readonly (readonly GoldPred[])[]) => number } {
  const task = columnTask(runs[0]!, column);
  for (const e of runs) if (columnTask(e, column) !== task) throw new Error(`${who}: column ${column} is ${task} for one run and ${columnTask(e, column)} for another`);
  const s = spec(task);
  const ref = s.leaves.map((l) => leafDocs(runs[0]!.perDoc!, l.task, who));
  const items = runs.map((e) => s.leaves.map((l, k) => {
    const d = leafDocs(e.perDoc!, l.task, who), r = ref[k]!;
    if (d.gold.length !== r.gold.length || d.gold.some((g, i) => g !== r.gold[i])) {
      throw new Error(`${who}: ${l.task} was evaluated on different documents for two runs (${d.gold.length} vs ${r.gold.length} documents, or different labels)`);
    }
    return pairs(d);
  }));
  return { items, stat: columnStatistic(s) };
}

/**
 * column(A) - column(B) over documents and training seeds (stats/seeded-bootstrap.ts): each arm is its
 * runs, one per seed (an untrained arm: one); `pairSeeds` when both are per-seed chains from the same
 * seeds. With one run each it equals pairedColumnDelta. null when any run predates per-document outcomes.
 */
export function seededColumnDelta(a: readonly EvaluateStepResult[], b: readonly EvaluateStepResult[], column: string, pairSeeds: boolean, config: Partial<PairedBootstrapConfig> = {}): SeededDelta | null {
  if ([...a, ...b].some((e) => !e.perDoc)) return null;
  const sa = seededStrata([...a, ...b], column, 'seededColumnDelta');
  return seededPairedBootstrap(sa.items.slice(0, a.length), sa.items.slice(a.length), sa.stat, config, { pairSeeds });
}

/** A column over training seeds: mean over the runs, stderr and CI over documents and seeds, SD across seeds; null without per-document outcomes. */
export function seededColumnValue(runs: readonly EvaluateStepResult[], column: string, config: Partial<PairedBootstrapConfig> = {}): SeededValue | null {
  if (runs.some((e) => !e.perDoc)) return null;
  const s = seededStrata(runs, column, 'seededColumnValue');
  return seededBootstrap(s.items, s.stat, config);
}

/** Sample SD across runs of the column's value as the steps scored it (null under 2 runs or when a run lacks the column). */
export function seedSd(values: readonly (number | null | undefined)[]): number | null {
  if (values.length < 2 || values.some((v) => typeof v !== 'number')) return null;
  return sampleStddev(values as number[]);
}

/** Share of the column's documents at each choice position, of the predictions ('pred') or of the right answers ('gold'). */
function positionShares(e: EvaluateStepResult, column: string, which: 'pred' | 'gold'): number[] | null {
  if (!e.perDoc) return null;
  const s = spec(columnTask(e, column));
  const counts: number[] = [];
  let total = 0;
  for (const l of s.leaves) {
    for (const p of leafDocs(e.perDoc, l.task, 'answerDistribution')[which]) { counts[p] = (counts[p] ?? 0) + 1; total++; }
  }
  return Array.from({ length: counts.length }, (_, i) => (counts[i] ?? 0) / total);
}

/**
 * Share of the column's documents answered with each choice position (A, B, C, D for MMLU),
 * pooled over its leaves, and the share whose right answer is at each position; null when the
 * step has no per-document outcomes. A model that answers one constant letter shows a share of 1.
 */
export function answerDistribution(e: EvaluateStepResult, column: string): { answered: number[]; gold: number[] } | null {
  const answered = positionShares(e, column, 'pred'), gold = positionShares(e, column, 'gold');
  return answered && gold ? { answered, gold } : null;
}
