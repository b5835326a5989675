/**
 * One-shot vs iterative pruning to the same sparsity with the same recovery budget in tokens,
 * compared by held-out perplexity (the study's Table 2 rows "Directly
 * Pruned + Fine-Tuned" vs "Pruned + Fine-Tuned (46%)"). One-shot spends the whole budget after its
 * single prune; iterative splits it evenly over its k cubic-schedule iterations.
 * Writes results/tables/<name>.{csv,md,html} (rows), <name>-series.{csv,md,html} (sparsity vs
 * perplexity per iteration) and results/runs/<name>/run.json (config, rows, series; not committed).
 */
import { join } from 'node:path';
import * as aq from 'arquero';
import type { LanguageModel } from '../../model/types.ts';
import type { Tokenizer } from '../../tokenizer/types.ts';
import { resultsDir, writeJsonAtomic } from '../../runtime/files.ts';
import { writeTable } from '../../report/write-table.ts';
import type { PruneLog } from '../prune.ts';
import { resolvePruneConfig, type ScheduleName } from '../prune-config.ts';
import { pruneAndRecover, recoverModel, recoveryStepsPerIteration } from '../prune-recover.ts';
import { recoveryData } from '../recovery-data.ts';
import { heldOutPerplexity } from './held-out-perplexity.ts';
import { resolvePruneStudyConfig, studyRecoveryPlan, type PruneStudyConfig } from './prune-study-config.ts';
import { disposeModel } from '../../model/dispose-model.ts';
import { INTERVAL_NOTE, intervalColumns, perplexityIntervalColumns } from './perplexity-interval-columns.ts';
import { heldOutBlockLosses } from './held-out-block-losses.ts';

export interface ScheduleRow {
  /** 'dense-control': the unpruned model fine-tuned with the same token budget (what recovery alone buys). */
  readonly schedule: ScheduleName | 'dense-control';
  readonly iterations: number;
  readonly sparsity_total: number;
  readonly sparsity_non_embedding: number;
  readonly sparsity_pruned: number;
  readonly params: number;
  readonly ppl_base: number;
  readonly ppl_pruned_no_recovery: number;   // right after the LAST prune, before its recovery
  readonly ppl_recovered: number;
  readonly recovery_tokens: number;
  readonly recovery_steps: number;
  readonly seconds: number;
  readonly [interval: string]: number | string;   // ppl_base / ppl_recovered _ci_low / _ci_high, eval_tokens, eval_blocks
}

export interface SeriesPoint {
  readonly schedule: ScheduleName;
  readonly iteration: number;
  readonly sparsity: number;           // counted as config.prune.of
  readonly sparsity_total: number;
  readonly ppl_pruned: number;
  readonly ppl_recovered: number | null;
}

export interface ScheduleStudy {
  readonly config: PruneStudyConfig;
  readonly rows: readonly ScheduleRow[];
  readonly series: readonly SeriesPoint[];
  readonly logs: Readonly<Record<string, PruneLog>>;
}

export interface StudyOutput {
  /** Folder for per-schedule checkpoints and recovery runs (default results/runs/prune-schedules). */
  readonly outDir?: string;
  /** Write the table and run.json under results/ (default true). */
  readonly write?: boolean;
  /** Table and run folder name (default 'prune-schedules'), e.g. one per seed. */
  readonly name?: string;
}

export async function compareSchedules(
  model: LanguageModel, tokenizer: Tokenizer, overrides: Partial<PruneStudyConfig> = {}, out: StudyOutput = {},
): Promise<ScheduleStudy> {
  const cfg = resolvePruneStudyConfig(overrides);
  const pcfg = resolvePruneConfig(cfg.prune);
  const name = out.name ?? 'prune-schedules';
  const outDir = out.outDir ?? join(resultsDir(), 'runs', name);
  const plan = studyRecoveryPlan(cfg);
  const data = await recoveryData(plan, tokenizer, model.config.maxPositions, pcfg.calibrationSamples, null);
  const T = data.blockSize;
  const evaluate = (m: LanguageModel) => heldOutPerplexity(m, data.validation);
  const totalSteps = recoveryStepsPerIteration(plan, 1, data.train.length, T);
  const run = { seed: cfg.seed, saveEvery: 0, logEvery: 10, handleSigint: false } as const;

  const val = data.validation;
  const baseBlocks = await heldOutBlockLosses(model, val);   // before anything trains the model
  const rows: ScheduleRow[] = [];
  const series: SeriesPoint[] = [];
  const logs: Record<string, PruneLog> = {};
  for (const schedule of ['one-shot', 'iterative'] as const) {
    const k = schedule === 'one-shot' ? 1 : pcfg.iterations;
    const recovering = cfg.recoveryTokens > 0;
    const res = await pruneAndRecover(model, tokenizer, {
      prune: { ...pcfg, schedule }, recovery: plan, recover: recovering, run: { ...run, resume: false },
      recipe: { corpora: cfg.corpora, T, steps: recoveryStepsPerIteration(plan, k, data.train.length, T), batch: cfg.recoveryBatch, lr: cfg.recoveryLr, evalBlocks: cfg.evalBlocks, seed: cfg.seed },
    }, join(outDir, schedule), null, data);
    const steps = res.steps;
    const tokens = res.recoveryTokens;
    const recover = recovering;
    const last = res.log.iterations.at(-1)!;
    const recovered = last.metricRecovered ?? last.metricPruned!;
    const intervals = { ...intervalColumns(baseBlocks, 'ppl_base', res.log.metricBase!), ...await perplexityIntervalColumns(res.model, val, 'ppl_recovered', recovered) };
    rows.push({
      schedule, iterations: k,
      sparsity_total: last.sparsity.total, sparsity_non_embedding: last.sparsity.nonEmbedding, sparsity_pruned: last.sparsity.pruned,
      params: last.parameters.total, ppl_base: res.log.metricBase!, ppl_pruned_no_recovery: last.metricPruned!,
      ppl_recovered: recovered,
      // A resumed run only counts the tokens of the iterations it ran; report the planned budget then.
      recovery_tokens: tokens || (recover ? steps * k * cfg.recoveryBatch * T : 0), recovery_steps: recover ? steps * k : 0,
      // Pruning + recovery wall time from the log (kept across resumes; evaluations excluded).
      seconds: res.log.iterations.reduce((a, it) => a + it.seconds.plan + it.seconds.recover, 0),
      ...intervals,
    });
    for (const it of res.log.iterations) {
      series.push({
        schedule, iteration: it.iteration,
        sparsity: pcfg.of === 'total' ? it.sparsity.total : pcfg.of === 'non-embedding' ? it.sparsity.nonEmbedding : it.sparsity.pruned,
        sparsity_total: it.sparsity.total, ppl_pruned: it.metricPruned!, ppl_recovered: it.metricRecovered,
      });
    }
    logs[schedule] = res.log;
    disposeModel(res.model);
  }
  if (cfg.recoveryTokens > 0) {
    // Control: the same recovery budget spent on the UNPRUNED model. The mini base is under-trained,
    // so part of any "recovery" is simply more training; this row separates the two.
    const t0 = performance.now();
    const r = await recoverModel(model, data.train, plan, totalSteps, join(outDir, 'dense-control'), { ...run, resume: true }, 1, { step: 'prune-dense-control' });
    const base = rows[0]!.ppl_base;
    const seconds = (performance.now() - t0) / 1000;
    const recovered = await evaluate(r.model);
    rows.push({
      schedule: 'dense-control', iterations: 0, sparsity_total: 0, sparsity_non_embedding: 0, sparsity_pruned: 0,
      params: logs['one-shot']!.base.total, ppl_base: base, ppl_pruned_no_recovery: base, ppl_recovered: recovered,
      recovery_tokens: r.tokens, recovery_steps: totalSteps, seconds,
      ...intervalColumns(baseBlocks, 'ppl_base', base), ...await perplexityIntervalColumns(r.model, val, 'ppl_recovered', recovered),
    });
    disposeModel(r.model);
  }
  const study: ScheduleStudy = { config: cfg, rows, series, logs };
  if (out.write !== false) {
    writeJsonAtomic(join(outDir, 'run.json'), { config: cfg, prune: pcfg, blockSize: T, rows, series });
    writeTable(aq.from(rows), name, {
      title: `One-shot vs iterative pruning (${pcfg.criterion}, ${pcfg.selection}, target ${pcfg.target} of ${pcfg.of})`,
      notes: [
        `Perplexity: held-out corpus validation split (${cfg.corpora.join(', ')}), disjoint ${T}-token blocks, first ${cfg.evalBlocks || 'all'} blocks.`,
        `Same recovery budget in tokens for both: one-shot recovers once, iterative after each of its ${pcfg.iterations} cubic-schedule steps (constant lr ${cfg.recoveryLr}, batch ${cfg.recoveryBatch}, seed ${cfg.seed}).`,
        INTERVAL_NOTE, 'ppl_pruned_no_recovery has no interval: the pruned-before-recovery model is not kept.',
      ],
    });
    // The sparsity-vs-perplexity series (results/runs/ is not committed; results/tables is).
    writeTable(aq.from(series), `${name}-series`, {
      title: `Sparsity (of ${pcfg.of}) vs held-out perplexity after each prune and each recovery`,
      notes: [`Iteration 0 is not listed: base perplexity ${rows[0]?.ppl_base.toFixed(2)}.`],
    });
  }
  return study;
}
