/**
 * Views of the study's cached results for the notebooks: what one step did, shown step by step.
 * Each function reads a step's result (or its artifact folder) and returns a table or a plot; it
 * runs nothing expensive (the study functions in study.ts run or read the steps).
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { PruningPlan } from '../prune/pruning-plan.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import { getDataSource, finetuneSourceNames, sourceRecords } from '../data/data-sources.ts';
import { PAPER_TASKS, PAPER_TASK_LABELS } from '../report/paper.ts';
import { lossPlot, type Plot } from '../report/plots.ts';
import { studyDataDir } from './study-inputs.ts';
import type { Evaluated } from './study.ts';
import { columnTask } from './steps/evaluate-step.ts';
import type { PruneStepResult } from './steps/prune-step.ts';
import type { StepOutcome } from './step-cache.ts';
import type { Profile } from './profiles.ts';

type PruneRun = StepOutcome<PruneStepResult>;

/** Accuracy per study column as "value ± standard error" (lm-eval's bootstrap / binomial stderr), one row per model. */
export function accuracyStderrTable(rows: readonly Evaluated<unknown>[]): ColumnTable {
  const cols: Record<string, string[]> = { model: rows.map((r) => r.label) };
  for (const t of PAPER_TASKS) {
    cols[PAPER_TASK_LABELS[t]] = rows.map((r) => {
      const row = r.eval.result.perTask[columnTask(r.eval.result, t)] ?? {};
      const metric = 'acc,none' in row ? 'acc' : 'score';
      const v = row[`${metric},none`], se = row[`${metric}_stderr,none`];
      if (typeof v !== 'number') return '-';
      return typeof se === 'number' ? `${v.toFixed(4)} ± ${se.toFixed(4)}` : `${v.toFixed(4)} (no stderr: ${String(se ?? 'n/a')})`;
    });
  }
  return aq.table(cols);
}

/** The full plan (with every unit's importance score) that iteration `iteration` of a prune step applied. */
export function prunePlanOf(run: PruneRun, iteration = 1): PruningPlan {
  const file = join(run.dir, 'prune', `iter-${iteration}`, 'plan.json');
  if (!existsSync(file)) throw new Error(`prunePlanOf: ${file} does not exist (the step ran ${run.result.log.iterations.length} iteration(s))`);
  return JSON.parse(readFileSync(file, 'utf8')) as PruningPlan;
}

/** A perplexity a prune step logged as "value [95% CI]" when the step kept its interval, else the value alone; '' when not measured. */
export function loggedPerplexity(run: PruneRun, iteration: number, stage: 'base' | 'pruned' | 'recovered', value: number | null): string {
  if (value === null) return '';
  const e = run.result.perplexities?.find((p) => p.iteration === iteration && p.stage === stage)?.estimate;
  return e ? `${value.toFixed(4)} [${e.ciLow.toFixed(4)}, ${e.ciHigh.toFixed(4)}]` : value.toFixed(4);
}

/**
 * Per iteration of a prune step: the schedule's target, the sparsity reached (three ways), parameters,
 * and held-out perplexity right after the cut and after recovery with its 95% interval over the
 * `eval_blocks` blocks (steps cached before the intervals were kept show the value alone).
 */
export function scheduleTable(run: PruneRun): ColumnTable {
  const it = run.result.log.iterations;
  const blocks = run.result.perplexities?.find((p) => p.estimate)?.estimate?.blocks ?? null;
  return aq.table({
    iteration: it.map((i) => i.iteration),
    target: it.map((i) => i.target),
    achieved_pruned_kinds: it.map((i) => i.sparsity.pruned),
    achieved_non_embedding: it.map((i) => i.sparsity.nonEmbedding),
    achieved_total: it.map((i) => i.sparsity.total),
    params: it.map((i) => i.parameters.total),
    ppl_after_prune: it.map((i) => loggedPerplexity(run, i.iteration, 'pruned', i.metricPruned)),
    ppl_after_recovery: it.map((i) => loggedPerplexity(run, i.iteration, 'recovered', i.metricRecovered)),
    eval_blocks: it.map(() => blocks),
  });
}

/** Recovery fine-tuning loss of prune runs (iterations concatenated), one line per run. */
export function recoveryLossPlot(rows: readonly Evaluated<PruneRun>[], title = 'Recovery fine-tuning loss after pruning'): Plot {
  return lossPlot(rows.map((r) => ({ label: r.label, steps: r.step.result.recoveryCurve.steps, losses: r.step.result.recoveryCurve.losses })), title);
}

/** The first training record of each fine-tuning source, formatted as the mixture trains on it (prompt -> target). */
export async function sourceExamples(profile: Profile, tokenizer: Tokenizer, maxChars = 220): Promise<ColumnTable> {
  const dataDir = studyDataDir(profile);
  const cut = (s: string) => (s.length > maxChars ? `${s.slice(0, maxChars)}…` : s);
  const rows: { source: string; prompt: string; target: string }[] = [];
  for (const name of finetuneSourceNames) {
    const gen = sourceRecords(getDataSource(name), dataDir, 'train', { tokenizer, format: profile.multitask.format ?? {} });
    const first = await gen.next();
    await gen.return(undefined);
    if (first.done) throw new Error(`sourceExamples: source '${name}' has no train rows in ${dataDir}`);
    const r = first.value;
    rows.push('text' in r ? { source: name, prompt: '', target: cut(r.text) } : { source: name, prompt: cut(r.prompt), target: cut(r.target) });
  }
  return aq.from(rows);
}
