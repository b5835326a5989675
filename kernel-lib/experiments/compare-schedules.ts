/**
 * One-shot vs iterative pruning to the same sparsity with the same recovery budget in tokens,
 * compared by held-out perplexity (the study's Table 2 rows "Directly
 * Pruned + Fine-Tuned" vs "Pruned + Fine-Tuned (46%)"). One-shot spends the whole budget after its
 * single prune; iterative splits it evenly over its k cubic-schedule iterations.
 * Every perplexity comes from per-block losses on the same held-out blocks (prune/held-out-block-losses.ts),
 * so each carries a 95% interval over blocks and each comparison a paired ratio (-pairs table).
 * Writes results/tables/<name>.{csv,md,html} (rows), <name>-series.{csv,md,html} (sparsity vs
 * perplexity per iteration), <name>-pairs.{csv,md,html} (paired ratios) and results/runs/<name>/run.json
 * (config, rows, series, pairs, per-block losses; not committed).
 */
import { join } from 'node:path';
import * as aq from 'arquero';
import type { LanguageModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import { resultsDir, writeJsonAtomic } from '../runtime/files.ts';
import { writeTable } from '../report/write-table.ts';
import type { PruneLog } from '../prune/prune.ts';
import { resolvePruneConfig, type ScheduleName } from '../prune/prune-config.ts';
import { pruneAndRecover, recoverModel, recoveryStepsPerIteration } from '../prune/prune-recover.ts';
import { recoveryData, VALIDATION_DRAW } from '../prune/recovery-data.ts';
import { documentsOf } from '../stats/document-bootstrap.ts';
import { resolvePruneStudyConfig, studyRecoveryPlan, type PruneStudyConfig } from './prune-study-config.ts';
import { disposeModel } from '../model/dispose-model.ts';
import { INTERVAL_NOTE, intervalOnly } from './perplexity-interval-columns.ts';
import { heldOutBlockLosses, pooledPerplexity } from '../prune/held-out-block-losses.ts';
import { PAIRS_NOTE, perplexityPairsTable, type PerplexityPair } from './perplexity-pairs-table.ts';
import type { EvaluationPoint } from '../prune/prune.ts';
import type { BlockLoss } from '../stats/perplexity-stderr.ts';

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
  readonly [interval: string]: number | string | null;   // ppl_* _stderr / _ci_low / _ci_high, eval_tokens, eval_blocks, eval_documents
}

export interface SeriesPoint {
  readonly schedule: ScheduleName;
  readonly iteration: number;
  readonly sparsity: number;           // counted as config.prune.of
  readonly sparsity_total: number;
  readonly ppl_pruned: number;
  readonly ppl_recovered: number | null;
  readonly [interval: string]: number | string | null;   // ppl_pruned / ppl_recovered _stderr / _ci_low / _ci_high, eval_tokens, eval_blocks, eval_documents
}

export interface ScheduleStudy {
  readonly config: PruneStudyConfig;
  readonly rows: readonly ScheduleRow[];
  readonly series: readonly SeriesPoint[];
  readonly logs: Readonly<Record<string, PruneLog>>;
  /** Paired ratios on the same blocks (comparison, ratio, ratio_ci_low / _ci_high, ratio_p, ratio_p_adjusted, ratio_significant, tokens, blocks). */
  readonly pairs: readonly Record<string, unknown>[];
}


const counts = (blocks: readonly BlockLoss[]) => ({ eval_tokens: blocks.reduce((a, b) => a + b.tokens, 0), eval_blocks: blocks.length, eval_documents: documentsOf(blocks) });

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
  const totalSteps = recoveryStepsPerIteration(plan, 1, data.train.length, T);
  const run = { seed: cfg.seed, saveEvery: 0, logEvery: 10, handleSigint: false } as const;

  const val = data.validation;
  const baseBlocks = await heldOutBlockLosses(model, val);   // before anything trains the model
  const rows: ScheduleRow[] = [];
  const series: SeriesPoint[] = [];
  const logs: Record<string, PruneLog> = {};
  // Per-block losses of every model evaluated: schedule -> 'iteration:stage' -> blocks (iteration 0 = base).
  const losses: Record<string, Record<string, BlockLoss[]>> = {};
  const at = (schedule: string, iteration: number, stage: EvaluationPoint['stage']): BlockLoss[] | undefined => losses[schedule]?.[`${iteration}:${stage}`];
  for (const schedule of ['one-shot', 'iterative'] as const) {
    const k = schedule === 'one-shot' ? 1 : pcfg.iterations;
    const recovering = cfg.recoveryTokens > 0;
    const kept: Record<string, BlockLoss[]> = losses[schedule] = {};
    // An iteration resumed from an earlier run's run.json is not re-evaluated: its columns stay empty.
    const evaluate = async (m: LanguageModel, p: EvaluationPoint): Promise<number> => {
      const bl = p.stage === 'base' ? baseBlocks : await heldOutBlockLosses(m, val);
      kept[`${p.iteration}:${p.stage}`] = bl;
      return pooledPerplexity(bl);
    };
    const res = await pruneAndRecover(model, tokenizer, {
      prune: { ...pcfg, schedule }, recovery: plan, recover: recovering, run: { ...run, resume: false }, evaluate,
      recipe: { corpora: cfg.corpora, T, steps: recoveryStepsPerIteration(plan, k, data.train.length, T), batch: cfg.recoveryBatch, lr: cfg.recoveryLr, evalBlocks: cfg.evalBlocks, validation: VALIDATION_DRAW, seed: cfg.seed },
    }, join(outDir, schedule), null, data);
    const steps = res.steps;
    const tokens = res.recoveryTokens;
    const recover = recovering;
    const last = res.log.iterations.at(-1)!;
    const recovered = last.metricRecovered ?? last.metricPruned!;
    const n = last.iteration;
    rows.push({
      schedule, iterations: k,
      sparsity_total: last.sparsity.total, sparsity_non_embedding: last.sparsity.nonEmbedding, sparsity_pruned: last.sparsity.pruned,
      params: last.parameters.total, ppl_base: res.log.metricBase!, ...intervalOnly(baseBlocks, 'ppl_base', res.log.metricBase!),
      ppl_pruned_no_recovery: last.metricPruned!, ...intervalOnly(at(schedule, n, 'pruned'), 'ppl_pruned_no_recovery', last.metricPruned!),
      ppl_recovered: recovered, ...intervalOnly(at(schedule, n, last.metricRecovered === null ? 'pruned' : 'recovered'), 'ppl_recovered', recovered),
      // A resumed run only counts the tokens of the iterations it ran; report the planned budget then.
      recovery_tokens: tokens || (recover ? steps * k * cfg.recoveryBatch * T : 0), recovery_steps: recover ? steps * k : 0,
      // Pruning + recovery wall time from the log (kept across resumes; evaluations excluded).
      seconds: res.log.iterations.reduce((a, it) => a + it.seconds.plan + it.seconds.recover, 0),
      ...counts(baseBlocks),
    });
    for (const it of res.log.iterations) {
      series.push({
        schedule, iteration: it.iteration,
        sparsity: pcfg.of === 'total' ? it.sparsity.total : pcfg.of === 'non-embedding' ? it.sparsity.nonEmbedding : it.sparsity.pruned,
        sparsity_total: it.sparsity.total,
        ppl_pruned: it.metricPruned!, ...intervalOnly(at(schedule, it.iteration, 'pruned'), 'ppl_pruned', it.metricPruned!),
        ppl_recovered: it.metricRecovered, ...intervalOnly(at(schedule, it.iteration, 'recovered'), 'ppl_recovered', it.metricRecovered),
        ...counts(baseBlocks),
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
    const denseBlocks = await heldOutBlockLosses(r.model, val);
    losses['dense-control'] = { '0:base': baseBlocks, '0:recovered': denseBlocks };
    const recovered = pooledPerplexity(denseBlocks);
    rows.push({
      schedule: 'dense-control', iterations: 0, sparsity_total: 0, sparsity_non_embedding: 0, sparsity_pruned: 0,
      params: logs['one-shot']!.base.total, ppl_base: base, ...intervalOnly(baseBlocks, 'ppl_base', base),
      ppl_pruned_no_recovery: base, ...intervalOnly(baseBlocks, 'ppl_pruned_no_recovery', base), ppl_recovered: recovered, ...intervalOnly(denseBlocks, 'ppl_recovered', recovered),
      recovery_tokens: r.tokens, recovery_steps: totalSteps, seconds, ...counts(baseBlocks),
    });
    disposeModel(r.model);
  }
  // The comparisons the table is read for, each paired on the same blocks.
  const final = (s: string): BlockLoss[] | undefined => {
    const it = logs[s]?.iterations.at(-1);
    return it ? at(s, it.iteration, it.metricRecovered === null ? 'pruned' : 'recovered') : undefined;
  };
  const lastPruned = (s: string): BlockLoss[] | undefined => { const it = logs[s]?.iterations.at(-1); return it ? at(s, it.iteration, 'pruned') : undefined; };
  const after = cfg.recoveryTokens > 0 ? 'after recovery' : 'no recovery';
  const pairList: PerplexityPair[] = [
    { label: `iterative / one-shot (${after})`, a: final('iterative'), b: final('one-shot') },
    ...(cfg.recoveryTokens > 0 ? [{ label: 'iterative / one-shot (right after the last prune, before its recovery)', a: lastPruned('iterative'), b: lastPruned('one-shot') }] : []),
    ...(['one-shot', 'iterative'] as const).map((s) => ({ label: `${s} (${after}) / base`, a: final(s), b: baseBlocks })),
    ...(cfg.recoveryTokens > 0 ? (['one-shot', 'iterative'] as const).map((s) => ({ label: `${s} / dense-control (both after recovery)`, a: final(s), b: losses['dense-control']?.['0:recovered'] })) : []),
  ];
  const pairs = perplexityPairsTable(pairList);
  const study: ScheduleStudy = { config: cfg, rows, series, logs, pairs: pairs.objects() as Record<string, unknown>[] };
  if (out.write !== false) {
    writeJsonAtomic(join(outDir, 'run.json'), { config: cfg, prune: pcfg, blockSize: T, rows, series, pairs: study.pairs, blockLosses: losses });
    writeTable(aq.from(rows), name, {
      title: `One-shot vs iterative pruning (${pcfg.criterion}, ${pcfg.selection}, target ${pcfg.target} of ${pcfg.of})`,
      notes: [
        `Perplexity: held-out corpus validation split (${cfg.corpora.join(', ')}), disjoint ${T}-token blocks, ${cfg.evalBlocks || 'all'} blocks drawn round-robin across its documents.`,
        `Same recovery budget in tokens for both: one-shot recovers once, iterative after each of its ${pcfg.iterations} cubic-schedule steps (constant lr ${cfg.recoveryLr}, batch ${cfg.recoveryBatch}, seed ${cfg.seed}).`,
        `One pruning / recovery seed (${cfg.seed}) per table: the across-seed spread is the difference between this table and its other-seed twin (prune-schedules-seed1), not in these intervals.`,
        INTERVAL_NOTE, `Paired ratios between these rows: ${name}-pairs.`,
      ],
    });
    writeTable(pairs, `${name}-pairs`, {
      title: `One-shot vs iterative pruning: paired perplexity ratios on the same ${baseBlocks.length} blocks (seed ${cfg.seed})`,
      notes: [PAIRS_NOTE],
    });
    // The sparsity-vs-perplexity series (results/runs/ is not committed; results/tables is).
    writeTable(aq.from(series), `${name}-series`, {
      title: `Sparsity (of ${pcfg.of}) vs held-out perplexity after each prune and each recovery`,
      notes: [`Iteration 0 is not listed: base perplexity ${rows[0]?.ppl_base.toFixed(2)} (95% CI ${Number(rows[0]?.ppl_base_ci_low).toFixed(2)}-${Number(rows[0]?.ppl_base_ci_high).toFixed(2)}).`, INTERVAL_NOTE],
    });
  }
  return study;
}
