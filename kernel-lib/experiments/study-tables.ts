/**
 * Tables 1-3 of the write-up rebuilt from the study's steps, ours beside the published numbers
 * (report/ours-vs-paper.ts), written to results/tables/, and the study's plots to results/plots/.
 * Nothing here is typed in by hand: every value comes from a step's result, and the published
 * ones from report/paper.ts.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { oursVsPaper, oursVsPaperPerplexity, type OursPerplexity, type OursRow } from '../report/ours-vs-paper.ts';
import { writeTable, type WrittenTable } from '../report/write-table.ts';
import { accuracyPlot, costPlot, lossPlot, paperPerplexitySeries, perplexityPlot, type Plot } from '../report/plots.ts';
import { savePlot, type SavedPlot } from '../report/save-plot.ts';
import { PAPER_TASKS } from '../report/paper.ts';
import { answerDistribution } from './column-stats.ts';
import { getGroup } from '../eval/tasks/index.ts';
import type { EvaluateStepResult } from './steps/evaluate-step.ts';
import { inspectCheckpoint } from '../model/load-model.ts';
import { baselines, finetuned, gpt2Pruning, olmoPruning, runName, type Evaluated, type Gpt2Pruning, type Pruned } from './study.ts';
import { budgetLabel } from '../prune/iterative-budget.ts';
import type { PruneStepResult } from './steps/prune-step.ts';
import { loggedPerplexity } from './study-views.ts';
import type { MultitaskStepResult } from './steps/multitask-step.ts';
import type { StepOutcome } from './step-cache.ts';
import type { Profile } from './profiles.ts';
import { withUncertaintyRows, type ComparisonRow } from '../report/uncertainty-rows.ts';
import { uncertainDisplay } from '../report/uncertain-display.ts';
import { defaults as bootstrapDefaults } from '../stats/paired-bootstrap.ts';
import { chanceRow, constantRows, holmFamily, perplexityInterval, perplexityPairsTable, scoreUncertainty, seededComparisonRow, seededPerplexityInterval, seededScoreUncertainty, seedsNote, statisticsNotes } from './study-uncertainty.ts';

export interface StudyTable {
  readonly name: string;              // file stem under results/tables
  readonly title: string;
  readonly table: ColumnTable;        // numeric (the CSV): values with _stderr, _n, CI, p columns
  readonly display: ColumnTable;      // the same as text cells ("value ± stderr"), as md/html show it
  readonly notes: readonly string[];
  readonly files: WrittenTable;
}

/** Parameters of an evaluated checkpoint, from its safetensors headers (no tensor data read). */
function checkpointParams(dir: string): number {
  let n = 0;
  for (const shape of inspectCheckpoint(dir).shapes.values()) n += shape.reduce((a, d) => a * d, 1);
  return n;
}

/** A row's values over its training seeds (the mean; one run: as evaluated), stderr over documents and seeds, the SD across seeds. */
function row(e: Evaluated<unknown>, paperRow = e.paperRow): OursRow {
  const s = e.step as StepOutcome<PruneStepResult> | undefined;
  const last = s?.result?.log?.iterations.at(-1);
  const u = seededScoreUncertainty(e.seeds.map((r) => r.eval.result));
  return { model: e.label, paperRow, scores: u.scores, sparsity: last ? last.sparsity.pruned : null, params: checkpointParams(e.eval.result.model), stderr: u.stderr, n: u.n, seeds: u.seeds, seedSd: u.seedSd };
}

/** Whether two arms are per-seed chains from the same seeds (then the bootstrap draws their seeds together). */
function sameChain(a: Evaluated<unknown>, b: Evaluated<unknown>): boolean {
  return a.trained && b.trained && a.seeds.length === b.seeds.length && a.seeds.every((r, i) => r.seed === b.seeds[i]!.seed);
}

/** Paired comparison A - B of two evaluated arms on the same documents, over their training seeds. */
function vs(a: Evaluated<unknown>, b: Evaluated<unknown>, what: string): ComparisonRow {
  return seededComparisonRow(`Δ ${what}: ${a.label} − ${b.label}`, a.seeds.map((r) => r.eval.result), b.seeds.map((r) => r.eval.result), sameChain(a, b));
}

/** The most training seeds any row of the table ran under. */
const seedsOf = (evaluated: readonly Evaluated<unknown>[]): number => Math.max(...evaluated.map((e) => e.seeds.length));

function modelsLine(profile: Profile): string {
  return `${profile.models.gpt2.label} (${profile.models.gpt2.id}) for GPT-2, ${profile.models.olmo.label} (${profile.models.olmo.id}) for OLMo-1B`;
}

/** Which of our GPT-2 runs stands beside the write-up's iterative numbers, and which beside none. */
function iterativeBudgetNote(g: Gpt2Pruning): string {
  const n = g.iterativeWriteUp.step.result.log.iterations.length;
  return `Iterative pruning runs at two recovery budgets: "${budgetLabel('write-up', n)}" recovers after each of its ${n} steps as long as one-shot does in total (${g.iterativeWriteUp.step.result.recoveryTokens} recovery tokens in all vs one-shot's ${g.oneShot.step.result.recoveryTokens}), `
    + `as the write-up's 3 epochs per iteration did, and stands beside the write-up's iterative row; "${budgetLabel('equal', n)}" splits one-shot's total over its steps (${g.iterative.step.result.recoveryTokens} tokens in all) and has no published counterpart (empty paper cells).`;
}

/** What the before-recovery row is: the same one-shot cut as the recovered row, evaluated before any recovery tokens. */
function beforeRecoveryNote(before: Pruned, recovered: Pruned): string {
  return `"${before.label}" is the one-shot cut evaluated right after pruning, with ${before.step.result.recoveryTokens} recovery tokens `
    + `(the recovered one-shot row spent ${recovered.step.result.recoveryTokens}); it has no published counterpart (empty paper cells).`;
}

/** What the dense-control row is: the fine-tuned model given the one-shot run's recovery training, not pruned. */
function denseControlNote(g: Gpt2Pruning): string {
  const d = g.denseControl.step.result;
  return `"${g.denseControl.label}" is the fine-tuned model given the one-shot run's recovery training without pruning: ${d.recoveryTokens} tokens in ${d.recoverySteps} updates `
    + `(the recovered one-shot row spent ${g.oneShot.step.result.recoveryTokens}) on the same data with the same learning rate and seed. Both had the same training, so "one-shot recovered vs dense control" `
    + 'measures what the cut costs, which "pruned vs fine-tuned" confounds with the extra training; it has no published counterpart (empty paper cells).';
}

function write(profile: Profile, name: string, title: string, evaluated: readonly Evaluated<unknown>[], rows: readonly OursRow[], comparisons: readonly ComparisonRow[], extraNotes: readonly string[] = [], withConstants = false): StudyTable {
  const t = oursVsPaper(rows, { profile: profile.name, models: modelsLine(profile) });
  const first = evaluated[0]!.eval.result;
  const table = withUncertaintyRows(t.table, PAPER_TASKS, { chance: chanceRow(first), ...(withConstants ? { constants: constantRows(first) } : {}), comparisons: holmFamily(comparisons) });
  const display = uncertainDisplay(table);
  const notes = [...t.notes, ...extraNotes, 'sparsity = fraction of the pruned kinds\' (attention+MLP) weights removed; params = all parameters after pruning.', seedsNote(seedsOf(evaluated)),
    ...statisticsNotes(evaluated.some((e) => !e.eval.result.perDoc), withConstants)];
  return { name, title, table, display, notes, files: writeTable(table, name, { title, notes, display }) };
}

/** Table 1: baseline and multi-task fine-tuned accuracies. */
export async function table1(profile: Profile): Promise<StudyTable> {
  const b = await baselines(profile);
  const f = await finetuned(profile);
  const ev = [b.gpt2, f.gpt2, b.olmo, f.olmo];
  return write(profile, 'table1', 'Table 1: baseline and fine-tuned accuracies (ours vs paper)', ev, ev.map((e) => row(e)),
    [vs(f.gpt2, b.gpt2, 'fine-tuned vs base'), vs(f.olmo, b.olmo, 'fine-tuned vs base')], [], true);
}

/** Table 2: fine-tuned GPT-2, one-shot pruned before recovery, pruned iteratively (write-up budget, then equal budget), pruned one-shot. */
export async function table2(profile: Profile): Promise<StudyTable> {
  const g = await gpt2Pruning(profile);
  const iterative = [g.iterativeWriteUp, g.iterative];
  const before = g.oneShotBeforeRecovery;
  return write(profile, 'table2', 'Table 2: GPT-2 pruned performance (ours vs paper)', [g.finetuned, before, ...iterative, g.oneShot, g.denseControl],
    [row(g.finetuned, 't2.gpt2-ft'), row(before), ...iterative.map((e) => row(e)), row(g.oneShot), row(g.denseControl)],
    [vs(before, g.finetuned, 'before recovery vs fine-tuned'),
      ...[...iterative, g.oneShot].map((e) => vs(e, g.finetuned, 'pruned vs fine-tuned')),
      ...iterative.map((e) => vs(e, g.oneShot, `${runName(e)} vs one-shot`)),
      vs(g.oneShot, before, 'one-shot: recovered vs before recovery'),
      vs(g.oneShot, g.denseControl, 'one-shot recovered vs dense control')],
    [iterativeBudgetNote(g), beforeRecoveryNote(before, g.oneShot), denseControlNote(g)]);
}

/** Table 3: fine-tuned OLMo role, pruned one-shot on the MLP, before and after recovery. */
export async function table3(profile: Profile): Promise<StudyTable> {
  const o = await olmoPruning(profile);
  const before = o.oneShotBeforeRecovery;
  return write(profile, 'table3', 'Table 3: OLMo-1B pruned performance (ours vs paper)', [o.finetuned, before, o.pruned],
    [row(o.finetuned, 't3.olmo-ft'), row(before), row(o.pruned)],
    [vs(before, o.finetuned, 'before recovery vs fine-tuned'), vs(o.pruned, o.finetuned, 'pruned vs fine-tuned'),
      vs(o.pruned, before, 'one-shot: recovered vs before recovery')],
    [beforeRecoveryNote(before, o.pruned)]);
}

/** One-shot vs iterative: validation perplexity after recovery, next to the write-up's 166.41 / 121.41; one-shot also before recovery; the dense control. */
export async function perplexityTable(profile: Profile): Promise<StudyTable> {
  const g = await gpt2Pruning(profile);
  const iterative = [g.iterativeWriteUp, g.iterative];
  const before = g.oneShotBeforeRecovery;
  const runs = [before, g.oneShot, ...iterative];
  const dense = g.denseControl.step.result;
  // Every run's perplexity over its training seeds (seed 0 first): one seed as before; several: the geometric mean, documents and seeds resampled.
  const finalPerplexity = (r: PruneStepResult) => { const last = r.log.iterations.at(-1)!; return last.metricRecovered ?? last.metricPruned!; };
  const perSeed = [...runs.map((e) => seededPerplexityInterval(e.seeds.map((r) => finalPerplexity(r.step.result)), e.seeds.map((r) => r.step.result.blockLosses?.final))),
    seededPerplexityInterval(g.denseControl.seeds.map((r) => r.step.result.perplexity.after), g.denseControl.seeds.map((r) => r.step.result.blockLosses.final))];
  const rows: OursPerplexity[] = [...runs.map((e, i) => {
    const last = e.step.result.log.iterations.at(-1)!;
    // The write-up's perplexity points stand beside the runs with a published row (paperRow); the equal-budget run has none.
    return { method: e.step.result.schedule, paperMethod: e.paperRow === null ? null : e.step.result.schedule, model: e.label, sparsity: last.sparsity.pruned, ...perSeed[i]! };
  }), { method: 'dense control', paperMethod: null, model: g.denseControl.label, sparsity: 0, ...perSeed[runs.length]! }];
  type Blocks = PruneStepResult['blockLosses'];
  const bl = (e: Pruned, which: 'base' | 'final') => e.seeds.map((r) => (r.step.result.blockLosses as Blocks)?.[which]);
  const pair = (label: string, a: ReturnType<typeof bl>, b: ReturnType<typeof bl>) => ({ label, a: a[0], b: b[0], seeded: { a, b, pairSeeds: true } });
  const denseFinal = g.denseControl.seeds.map((r) => r.step.result.blockLosses.final);
  const pairs = perplexityPairsTable([
    pair('ratio one-shot before recovery / fine-tuned (before pruning)', bl(before, 'final'), bl(before, 'base')),
    pair('ratio one-shot / fine-tuned (before pruning)', bl(g.oneShot, 'final'), bl(g.oneShot, 'base')),
    ...iterative.map((e) => pair(`ratio ${runName(e)} / fine-tuned (before pruning)`, bl(e, 'final'), bl(e, 'base'))),
    ...iterative.map((e) => pair(`ratio ${runName(e)} / one-shot`, bl(e, 'final'), bl(g.oneShot, 'final'))),
    pair('ratio one-shot / one-shot before recovery', bl(g.oneShot, 'final'), bl(before, 'final')),
    pair('ratio one-shot / dense control (the same recovery training, with and without the cut)', bl(g.oneShot, 'final'), denseFinal),
  ]).objects() as Record<string, unknown>[];
  const ours = (oursVsPaperPerplexity(rows).objects() as Record<string, unknown>[]).map((r, i) => ({ ...r, budget: runs[i]?.budget ?? 'one-shot', seeds: perSeed[i]!.seeds, perplexity_seed_sd: perSeed[i]!.seedSd }));
  const names = ['row_kind', ...Object.keys(ours[0]!).filter((n) => n !== 'budget' && n !== 'seeds' && n !== 'perplexity_seed_sd')];
  names.splice(names.indexOf('method') + 1, 0, 'budget');
  names.splice(names.indexOf('model') + 1, 0, 'seeds');
  names.splice(names.indexOf('perplexity_stderr') + 1, 0, 'perplexity_seed_sd');
  names.splice(names.indexOf('perplexity_ci_high') + 1, 0, 'perplexity_p', 'perplexity_p_adjusted', 'perplexity_significant');
  const all = [...ours.map((r) => ({ ...r, row_kind: 'ours' })), ...pairs.map((p) => ({
    row_kind: 'paired ratio', method: p.comparison, perplexity: p.ratio, perplexity_ci_low: p.ratio_ci_low, perplexity_ci_high: p.ratio_ci_high,
    perplexity_p: p.ratio_p, perplexity_p_adjusted: p.ratio_p_adjusted, perplexity_significant: p.ratio_significant, tokens: p.tokens, blocks: p.blocks, documents: p.documents, seeds: p.seeds,
  }))];
  const table = aq.table(Object.fromEntries(names.map((n) => [n, all.map((r) => (r as Record<string, unknown>)[n] ?? null)])));
  const display = uncertainDisplay(table);
  const detail = runs.map((e) => {
    const r = e.step.result, last = r.log.iterations.at(-1)!;
    const base = r.log.metricBase === null ? null : perplexityInterval(r.log.metricBase, r.blockLosses?.base);
    const baseCi = base?.ciLow != null ? ` (95% CI ${base.ciLow.toFixed(2)}-${base.ciHigh!.toFixed(2)})` : '';
    const recovered = e.budget === 'none' ? 'not recovered' : `after recovery ${last.metricRecovered?.toFixed(2)}`;
    return `${runName(e)}: ${r.log.iterations.length} iteration(s), perplexity before pruning ${r.log.metricBase?.toFixed(2)}${baseCi}, right after the last prune ${last.metricPruned?.toFixed(2)}, ${recovered}; `
      + `sparsity ${(100 * last.sparsity.total).toFixed(1)}% of all / ${(100 * last.sparsity.nonEmbedding).toFixed(1)}% of non-embedding / ${(100 * last.sparsity.pruned).toFixed(1)}% of attention+MLP weights; ${r.recoveryTokens} recovery tokens.`;
  });
  const notes = [`ours: profile '${profile.name}'; perplexity on held-out recovery-corpus documents, disjoint blocks drawn round-robin across the documents (tokens = target tokens averaged over, blocks, documents). Paper: WikiText-103 validation.`,
    'Uncertainty: the document is the sampling unit (blocks of one document are not independent): [95% CI] of each perplexity = the percentile interval of a bootstrap over documents '
      + `(documents drawn with replacement, all their blocks, pooled exp(sum nll / sum tokens), ${bootstrapDefaults.iters} replicates); perplexity_stderr = perplexity x the bootstrap sd of log perplexity in the CSV. `
      + 'Paired ratio rows: perplexity(A) / perplexity(B) on the same blocks, the same documents resampled for both, [95% percentile CI], two-sided bootstrap p, Holm-adjusted over this table\'s paired ratios (perplexity_p_adjusted); "significant" = adjusted p < 0.05. '
      + 'Rows without a documents count come from blocks cached before they carried their documents: delta method over blocks, z-test p.',
    seedsNote(seedsOf([...runs, g.denseControl])), iterativeBudgetNote(g), denseControlNote(g), ...(g.oneShot.seeds.length > 1 ? ['The per-run lines below are seed 0\'s.'] : []), ...detail,
    `dense control: perplexity before its recovery training ${dense.perplexity.before.toFixed(2)} (the fine-tuned model), after ${dense.perplexity.after.toFixed(2)}; ${dense.recoveryTokens} recovery tokens.`];
  const title = 'One-shot vs iterative pruning: validation perplexity after recovery (one-shot also before)';
  return { name: 'table2-perplexity', title, table, display, notes, files: writeTable(table, 'table2-perplexity', { title, notes, display }) };
}

export interface StudyPlots { readonly plots: Readonly<Record<string, Plot>>; readonly saved: Readonly<Record<string, SavedPlot>> }

/** All plots of the study, saved as self-contained HTML (+ PNG with Chromium). */
export async function studyPlots(profile: Profile): Promise<StudyPlots> {
  const b = await baselines(profile), f = await finetuned(profile), g = await gpt2Pruning(profile), o = await olmoPruning(profile);
  const evaluated = [b.gpt2, f.gpt2, g.oneShotBeforeRecovery, ...g.pruned, g.denseControl, b.olmo, f.olmo, o.oneShotBeforeRecovery, o.pruned];
  const series = [g.oneShotBeforeRecovery, ...g.pruned].map((e) => ({
    label: `ours ${runName(e)}`,
    points: [{ sparsity: 0, perplexity: e.step.result.log.metricBase!, ...perplexityInterval(e.step.result.log.metricBase!, e.step.result.blockLosses?.base) },
      ...e.step.result.log.iterations.map((it, i, all) => {
        const perplexity = it.metricRecovered ?? it.metricPruned!;
        return { sparsity: it.sparsity.pruned, perplexity, ...(i === all.length - 1 ? perplexityInterval(perplexity, e.step.result.blockLosses?.final) : {}) };
      })],
  }));
  const ft = f.gpt2.step.result;
  const plots: Record<string, Plot> = {
    accuracy: accuracyPlot(evaluated.map((e) => ({ model: e.label, scores: e.eval.result.scores, stderr: scoreUncertainty(e.eval.result).stderr })), PAPER_TASKS,
      `Accuracy per task (profile ${profile.name})`, chanceRow(b.gpt2.eval.result)),
    'perplexity-vs-sparsity': perplexityPlot([...series, ...paperPerplexitySeries()], 'Validation perplexity vs sparsity: one-shot (before and after recovery) vs iterative at two recovery budgets (error bars: 95% CI over blocks, start and end)'),
    'loss-curves': lossPlot([
      { label: 'multi-task fine-tuning (train)', steps: ft.curve.steps, losses: ft.curve.losses },
      { label: 'multi-task fine-tuning (validation)', steps: ft.curve.valSteps, losses: ft.curve.valLosses },
      ...[...g.pruned, o.pruned].map((e) => ({ label: `recovery: ${e.label}`, ...e.step.result.recoveryCurve })),
      { label: `recovery training: ${g.denseControl.label}`, ...g.denseControl.step.result.recoveryCurve },
    ], 'Training and recovery loss'),
    cost: costPlot([
      { model: f.gpt2.label, params: g.oneShot.step.result.log.base.total, latencyMs: g.oneShot.step.result.latencyMs.before },
      ...[...g.pruned, o.pruned].map((e) => ({ model: e.label, params: e.step.result.log.iterations.at(-1)!.parameters.total, latencyMs: e.step.result.latencyMs.after })),
    ], 'Parameters and forward latency (batch 1, 128 tokens) before and after pruning'),
  };
  const saved: Record<string, SavedPlot> = {};
  for (const [name, plot] of Object.entries(plots)) saved[name] = savePlot(plot, name);
  return { plots, saved };
}

/** Our accuracies of evaluated models, one row each (the study's five columns). */
export function accuracyTable(rows: readonly Evaluated<unknown>[]): ColumnTable {
  const cols: Record<string, unknown[]> = { model: rows.map((r) => r.label) };
  for (const t of PAPER_TASKS) cols[t] = rows.map((r) => r.eval.result.scores[t] ?? null);
  return aq.table(cols);
}

const LETTERS = ['A', 'B', 'C', 'D'];

/** Share of a leaf task's documents answered with its most common prediction (1 = a constant answer), or null without per-document outcomes. */
function commonAnswerShare(e: EvaluateStepResult, task: string): number | null {
  const d = e.perDoc?.[task];
  if (!d || d.pred.length === 0) return null;
  const counts = new Map<number, number>();
  for (const p of d.pred) counts.set(p, (counts.get(p) ?? 0) + 1);
  return Math.max(...counts.values()) / d.pred.length;
}

/**
 * Every task and group row behind the five columns (GLUE subtasks, MMLU categories), per model,
 * then the MMLU column's answer distribution: the share of questions answered A, B, C and D
 * (and the share whose right answer is each letter), so a constant answer shows as a share of 1;
 * and for each GLUE subtask the share of documents given its most common answer (1 = constant).
 */
export function taskDetailTable(rows: readonly Evaluated<unknown>[]): ColumnTable {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.eval.result.perTask)))]
    .filter((n) => !n.startsWith('mmlu_') || /^mmlu_(continuation|(continuation_)?(stem|humanities|social_sciences|other))$/.test(n)).sort();
  const glue = getGroup('glue')?.members ?? [];
  const letters = LETTERS.map((l) => `mmlu: share answered ${l}`);
  const cols: Record<string, unknown[]> = { task: [...names, ...letters, ...LETTERS.map((l) => `mmlu: share whose answer is ${l}`), ...glue.map((t) => `${t}: share given its most common answer`)] };
  for (const r of rows) {
    const dist = answerDistribution(r.eval.result, 'mmlu');
    cols[r.label] = [...names.map((n) => {
      const row = r.eval.result.perTask[n] as Record<string, unknown> | undefined;
      const v = row?.['acc,none'] ?? row?.['mcc,none'] ?? row?.['score,none'] ?? row?.['word_perplexity,none'];
      return typeof v === 'number' ? v : null;
    }), ...LETTERS.map((_, i) => (dist ? dist.answered[i] ?? 0 : null)), ...LETTERS.map((_, i) => (dist ? dist.gold[i] ?? 0 : null)),
    ...glue.map((t) => commonAnswerShare(r.eval.result, t))];
  }
  return aq.table(cols);
}

/**
 * Pruning runs side by side: sparsity three ways, parameters, perplexity before / right after the last
 * cut / after its recovery ("value [95% CI]" where the step kept the interval), recovery budget and tokens.
 */
export function pruningTable(rows: readonly Pruned[]): ColumnTable {
  const last = (r: Pruned) => r.step.result.log.iterations.at(-1)!;
  return aq.table({
    model: rows.map((r) => r.label),
    schedule: rows.map((r) => r.step.result.schedule),
    recovery_budget: rows.map((r) => r.budget),
    iterations: rows.map((r) => r.step.result.log.iterations.length),
    params_before: rows.map((r) => r.step.result.log.base.total),
    params_after: rows.map((r) => last(r).parameters.total),
    sparsity_total: rows.map((r) => last(r).sparsity.total),
    sparsity_non_embedding: rows.map((r) => last(r).sparsity.nonEmbedding),
    sparsity_pruned_kinds: rows.map((r) => last(r).sparsity.pruned),
    ppl_before: rows.map((r) => loggedPerplexity(r.step, 0, 'base', r.step.result.log.metricBase)),
    ppl_pruned: rows.map((r) => loggedPerplexity(r.step, last(r).iteration, 'pruned', last(r).metricPruned)),
    ppl_recovered: rows.map((r) => loggedPerplexity(r.step, last(r).iteration, 'recovered', last(r).metricRecovered)),
    recovery_tokens: rows.map((r) => r.step.result.recoveryTokens),
    latency_ms_before: rows.map((r) => r.step.result.latencyMs.before),
    latency_ms_after: rows.map((r) => r.step.result.latencyMs.after),
  });
}

/** The multi-task fine-tuning curves (train and validation loss) of fine-tuned models. */
export function finetuneLossPlot(rows: readonly Evaluated<StepOutcome<MultitaskStepResult>>[]): Plot {
  return lossPlot(rows.flatMap((r) => [
    { label: `${r.label} (train)`, steps: r.step.result.curve.steps, losses: r.step.result.curve.losses },
    { label: `${r.label} (validation)`, steps: r.step.result.curve.valSteps, losses: r.step.result.curve.valLosses },
  ]), 'Multi-task fine-tuning loss');
}

/** Rows and share per source of the multi-task mixture. */
export function mixtureTable(ft: Evaluated<StepOutcome<MultitaskStepResult>>): ColumnTable {
  return aq.from(ft.step.result.mixture as unknown as object[]);
}
