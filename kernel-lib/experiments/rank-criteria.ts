/**
 * Criteria ranking without recovery: prune to the same target with each
 * importance criterion and compare held-out perplexity. Random runs with several seeds so its
 * spread is visible. Every perplexity comes from per-block losses on the same held-out blocks, so
 * it carries a 95% interval over blocks, random's seeds get a mean row with their spread, and each
 * criterion is compared with magnitude-l2 and with every random seed by a paired ratio.
 * Writes results/tables/prune-criteria.{csv,md,html}, prune-criteria-pairs.{csv,md,html} and run JSON.
 */
import { join } from 'node:path';
import * as aq from 'arquero';
import type { LanguageModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import { resultsDir, writeJsonAtomic } from '../runtime/files.ts';
import { writeTable } from '../report/write-table.ts';
import { planPruning } from '../prune/plan-pruning.ts';
import { applyPlan } from '../prune/apply-plan.ts';
import { sparsity } from '../prune/sparsity.ts';
import { resolvePruneConfig } from '../prune/prune-config.ts';
import { recoveryData } from '../prune/recovery-data.ts';
import { documentsOf } from '../stats/document-bootstrap.ts';
import { resolvePruneStudyConfig, studyRecoveryPlan, type PruneStudyConfig } from './prune-study-config.ts';
import { disposeModel } from '../model/dispose-model.ts';
import { INTERVAL_NOTE, intervalOnly } from './perplexity-interval-columns.ts';
import { heldOutBlockLosses, pooledPerplexity } from '../prune/held-out-block-losses.ts';
import { PAIRS_NOTE, perplexityPairsTable, type PerplexityPair } from './perplexity-pairs-table.ts';
import type { BlockLoss } from '../stats/perplexity-stderr.ts';

export interface CriterionRow {
  readonly criterion: string;
  readonly seed: number | null;          // null on the mean-over-seeds row
  readonly sparsity_total: number;
  readonly sparsity_pruned: number;
  readonly ppl_base: number;
  readonly ppl_pruned: number;
  readonly [interval: string]: number | string | null;   // ppl_* _stderr / _ci_low / _ci_high, seeds, ppl_pruned_seed_sd / _seed_stderr, eval_tokens, eval_blocks, eval_documents
}


export interface RankCriteriaOptions {
  readonly criteria: readonly string[];   // default: magnitude-l2, taylor, activation, random
  readonly randomSeeds: number;           // random repeated with seeds 0..n-1
  readonly write: boolean;
}

export async function rankCriteria(
  model: LanguageModel, tokenizer: Tokenizer, overrides: Partial<PruneStudyConfig> = {}, options: Partial<RankCriteriaOptions> = {},
): Promise<{ config: PruneStudyConfig; rows: CriterionRow[]; pairs: Record<string, unknown>[] }> {
  const cfg = resolvePruneStudyConfig({ ...overrides, prune: { target: 0.3, ...(overrides.prune ?? {}) } });
  const o: RankCriteriaOptions = { criteria: ['magnitude-l2', 'taylor', 'activation', 'random'], randomSeeds: 3, write: true, ...options };
  const data = await recoveryData(studyRecoveryPlan(cfg), tokenizer, model.config.maxPositions, resolvePruneConfig(cfg.prune).calibrationSamples, null);
  const T = data.blockSize;
  const val = data.validation;
  const baseBlocks = await heldOutBlockLosses(model, val);
  const base = pooledPerplexity(baseBlocks);
  const counts = { eval_tokens: baseBlocks.reduce((a, b) => a + b.tokens, 0), eval_blocks: baseBlocks.length, eval_documents: documentsOf(baseBlocks) };
  const rows: CriterionRow[] = [];
  const losses: Record<string, BlockLoss[]> = {};   // 'criterion' or 'random:seed' -> per-block losses of the pruned model
  const key = (criterion: string, seed: number) => (criterion === 'random' ? `random:${seed}` : criterion);
  for (const criterion of o.criteria) {
    for (let seed = 0; seed < (criterion === 'random' ? o.randomSeeds : 1); seed++) {
      const pcfg = resolvePruneConfig({ ...cfg.prune, criterion, seed, schedule: 'one-shot' });
      const plan = planPruning(model, pcfg, { calibration: data.calibration });
      const pruned = applyPlan(model, plan);
      const s = sparsity(model, pruned, pcfg.groups);
      const bl = losses[key(criterion, seed)] = await heldOutBlockLosses(pruned, val);
      const ppl = pooledPerplexity(bl);
      rows.push({
        criterion, seed, seeds: 1, sparsity_total: s.total, sparsity_pruned: s.pruned, ppl_base: base, ...intervalOnly(baseBlocks, 'ppl_base', base),
        ppl_pruned: ppl, ...intervalOnly(bl, 'ppl_pruned', ppl), ppl_pruned_seed_sd: null, ppl_pruned_seed_stderr: null, ...counts,
      });
      disposeModel(pruned);
    }
  }
  // random: the mean over its seeds, with the spread across seeds (the sd and sd / sqrt(seeds));
  // no interval over blocks for this row (each seed's own row has one).
  const randomRows = rows.filter((r) => r.criterion === 'random');
  if (randomRows.length >= 2) {
    const v = randomRows.map((r) => r.ppl_pruned), m = v.reduce((a, x) => a + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1));
    const r0 = randomRows[0]!;
    rows.push({
      criterion: 'random (mean over seeds)', seed: null, seeds: v.length, sparsity_total: r0.sparsity_total, sparsity_pruned: r0.sparsity_pruned,
      ppl_base: base, ...intervalOnly(baseBlocks, 'ppl_base', base), ppl_pruned: m, ...intervalOnly(undefined, 'ppl_pruned', m),
      ppl_pruned_seed_sd: sd, ppl_pruned_seed_stderr: sd / Math.sqrt(v.length), ...counts,
    });
  }
  // Paired ratios: every criterion vs magnitude-l2 (the classic baseline) and vs each random seed.
  const named = o.criteria.filter((c) => c !== 'random');
  const pairList: PerplexityPair[] = [
    ...(losses['magnitude-l2'] ? named.filter((c) => c !== 'magnitude-l2').map((c) => ({ label: `${c} / magnitude-l2`, a: losses[c], b: losses['magnitude-l2'] })) : []),
    ...named.flatMap((c) => randomRows.map((r) => ({ label: `${c} / random seed ${r.seed}`, a: losses[c], b: losses[key('random', r.seed!)] }))),
    ...named.map((c) => ({ label: `${c} / base (unpruned)`, a: losses[c], b: baseBlocks })),
  ];
  const pairs = perplexityPairsTable(pairList);
  if (o.write) {
    const p = resolvePruneConfig(cfg.prune);
    writeJsonAtomic(join(resultsDir(), 'runs', 'prune-criteria', 'run.json'), { config: cfg, blockSize: T, rows, pairs: pairs.objects(), blockLosses: { base: baseBlocks, ...losses } });
    writeTable(aq.from(rows), 'prune-criteria', {
      title: `Importance criteria without recovery (target ${p.target} of ${p.of}, ${p.groups.join('+')}, ${p.selection})`,
      notes: [`Perplexity: held-out validation split (${cfg.corpora.join(', ')}), disjoint ${T}-token blocks, ${cfg.evalBlocks || 'all'} blocks drawn round-robin across its documents; calibration ${p.calibrationSamples} train blocks.`, INTERVAL_NOTE,
        `random runs with ${o.randomSeeds} seed(s); its mean row gives seeds, the sample sd of ppl_pruned across seeds (n - 1) and sd / sqrt(seeds); its interval over blocks is empty (the seed rows have theirs). Paired ratios: prune-criteria-pairs.`],
    });
    writeTable(pairs, 'prune-criteria-pairs', {
      title: `Importance criteria without recovery: paired perplexity ratios on the same ${baseBlocks.length} blocks`,
      notes: [PAIRS_NOTE, 'Against random, compare each ratio with the spread of the random seeds themselves: a ratio "significant" against one seed may not be against another.'],
    });
  }
  return { config: cfg, rows, pairs: pairs.objects() as Record<string, unknown>[] };
}
