/**
 * Criteria ranking without recovery: prune to the same target with each
 * importance criterion and compare held-out perplexity. Random runs with several seeds so its
 * spread is visible. Writes results/tables/prune-criteria.{csv,md,html} and run JSON.
 */
import { join } from 'node:path';
import * as aq from 'arquero';
import type { LanguageModel } from '../../model/types.ts';
import type { Tokenizer } from '../../tokenizer/types.ts';
import { resultsDir, writeJsonAtomic } from '../../runtime/files.ts';
import { writeTable } from '../../report/write-table.ts';
import { planPruning } from '../plan-pruning.ts';
import { applyPlan } from '../apply-plan.ts';
import { sparsity } from '../sparsity.ts';
import { resolvePruneConfig } from '../prune-config.ts';
import { recoveryData } from '../recovery-data.ts';
import { heldOutPerplexity } from './held-out-perplexity.ts';
import { resolvePruneStudyConfig, studyRecoveryPlan, type PruneStudyConfig } from './prune-study-config.ts';
import { disposeModel } from '../../model/dispose-model.ts';
import { INTERVAL_NOTE, perplexityIntervalColumns } from './perplexity-interval-columns.ts';

export interface CriterionRow {
  readonly criterion: string;
  readonly seed: number;
  readonly sparsity_total: number;
  readonly sparsity_pruned: number;
  readonly ppl_base: number;
  readonly ppl_pruned: number;
  readonly [interval: string]: number | string;   // ppl_pruned_ci_low / _ci_high, eval_tokens, eval_blocks
}

export interface RankCriteriaOptions {
  readonly criteria: readonly string[];   // default: magnitude-l2, taylor, activation, random
  readonly randomSeeds: number;           // random repeated with seeds 0..n-1
  readonly write: boolean;
}

export async function rankCriteria(
  model: LanguageModel, tokenizer: Tokenizer, overrides: Partial<PruneStudyConfig> = {}, options: Partial<RankCriteriaOptions> = {},
): Promise<{ config: PruneStudyConfig; rows: CriterionRow[] }> {
  const cfg = resolvePruneStudyConfig({ ...overrides, prune: { target: 0.3, ...(overrides.prune ?? {}) } });
  const o: RankCriteriaOptions = { criteria: ['magnitude-l2', 'taylor', 'activation', 'random'], randomSeeds: 3, write: true, ...options };
  const data = await recoveryData(studyRecoveryPlan(cfg), tokenizer, model.config.maxPositions, resolvePruneConfig(cfg.prune).calibrationSamples, null);
  const T = data.blockSize;
  const val = data.validation;
  const base = await heldOutPerplexity(model, val);
  const baseInterval = await perplexityIntervalColumns(model, val, 'ppl_base', base);
  const rows: CriterionRow[] = [];
  for (const criterion of o.criteria) {
    for (let seed = 0; seed < (criterion === 'random' ? o.randomSeeds : 1); seed++) {
      const pcfg = resolvePruneConfig({ ...cfg.prune, criterion, seed, schedule: 'one-shot' });
      const plan = planPruning(model, pcfg, { calibration: data.calibration });
      const pruned = applyPlan(model, plan);
      const s = sparsity(model, pruned, pcfg.groups);
      const ppl = await heldOutPerplexity(pruned, val);
      rows.push({ criterion, seed, sparsity_total: s.total, sparsity_pruned: s.pruned, ppl_base: base, ppl_pruned: ppl, ...baseInterval, ...await perplexityIntervalColumns(pruned, val, 'ppl_pruned', ppl) });
      disposeModel(pruned);
    }
  }
  if (o.write) {
    const p = resolvePruneConfig(cfg.prune);
    writeJsonAtomic(join(resultsDir(), 'runs', 'prune-criteria', 'run.json'), { config: cfg, blockSize: T, rows });
    writeTable(aq.from(rows), 'prune-criteria', {
      title: `Importance criteria without recovery (target ${p.target} of ${p.of}, ${p.groups.join('+')}, ${p.selection})`,
      notes: [`Perplexity: held-out validation split (${cfg.corpora.join(', ')}), disjoint ${T}-token blocks, first ${cfg.evalBlocks || 'all'} blocks; calibration ${p.calibrationSamples} train blocks.`, INTERVAL_NOTE],
    });
  }
  return { config: cfg, rows };
}
