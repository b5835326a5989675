/**
 * Retraining-free pruning on the study's mini GPT-2 (mini-bpe): held-out perplexity right after
 * pruning (no recovery) at 20 / 30 / 50% of the heads+MLP parameters, for flap (with FLAP's bias
 * compensation), flap without it, wanda-sp, magnitude-l2, activation and taylor, each with uniform
 * and adaptive selection. Every model is scored on the same held-out blocks, so each perplexity
 * carries a 95% interval over blocks and comparisons are paired ratios on those blocks.
 * Writes results/tables/forward-criteria.{csv,md,html}, forward-criteria-pairs.{csv,md,html},
 * results/plots/forward-criteria.{html,png} and results/runs/forward-criteria/run.json.
 *   node --import tsx scripts/compare-forward-criteria.ts [--calibration-samples 32] [--eval-blocks 48]
 */
import { join } from 'node:path';
import * as aq from 'arquero';
import { initBackend } from '../kernel-lib/runtime/backend.ts';
import { resultsDir, writeJsonAtomic } from '../kernel-lib/runtime/files.ts';
import { loadModel } from '../kernel-lib/model/load-model.ts';
import { miniModelDir } from '../kernel-lib/model/mini-models.ts';
import { disposeModel } from '../kernel-lib/model/dispose-model.ts';
import { loadTokenizer } from '../kernel-lib/tokenizer/load-tokenizer.ts';
import { planPruning } from '../kernel-lib/prune/plan-pruning.ts';
import { applyPlan } from '../kernel-lib/prune/apply-plan.ts';
import { sparsity } from '../kernel-lib/prune/sparsity.ts';
import { recoveryData } from '../kernel-lib/prune/recovery-data.ts';
import { resolvePruneStudyConfig, studyRecoveryPlan } from '../kernel-lib/experiments/prune-study-config.ts';
import { heldOutBlockLosses, pooledPerplexity } from '../kernel-lib/prune/held-out-block-losses.ts';
import { INTERVAL_NOTE, intervalOnly } from '../kernel-lib/experiments/perplexity-interval-columns.ts';
import { PAIRS_NOTE, perplexityPairsTable, type PerplexityPair } from '../kernel-lib/experiments/perplexity-pairs-table.ts';
import { writeTable } from '../kernel-lib/report/write-table.ts';
import { perplexityPlot, type PerplexitySeries } from '../kernel-lib/report/plots.ts';
import { savePlot } from '../kernel-lib/report/save-plot.ts';
import type { BlockLoss } from '../kernel-lib/stats/perplexity-stderr.ts';

const arg = (name: string, dflt: number) => { const k = process.argv.indexOf(name); return k > 0 ? Number(process.argv[k + 1]) : dflt; };
const calibrationSamples = arg('--calibration-samples', 32);
const evalBlocks = arg('--eval-blocks', 48);
const TARGETS = [0.2, 0.3, 0.5];
const SELECTIONS = ['uniform', 'adaptive'] as const;
/** Row label -> criterion and compensation. */
const METHODS: Readonly<Record<string, { criterion: string; compensation: 'bias' | 'none' }>> = {
  'flap': { criterion: 'flap', compensation: 'bias' },
  'flap (no compensation)': { criterion: 'flap', compensation: 'none' },
  'wanda-sp': { criterion: 'wanda-sp', compensation: 'none' },
  'magnitude-l2': { criterion: 'magnitude-l2', compensation: 'none' },
  'activation': { criterion: 'activation', compensation: 'none' },
  'taylor': { criterion: 'taylor', compensation: 'none' },
};

await initBackend({ quiet: true });
const dir = miniModelDir('mini-bpe');
const model = await loadModel(dir);
const tokenizer = loadTokenizer(dir);
const study = resolvePruneStudyConfig({ evalBlocks });
const data = await recoveryData(studyRecoveryPlan(study), tokenizer, model.config.maxPositions, calibrationSamples, null);
const baseBlocks = await heldOutBlockLosses(model, data.validation);
const base = pooledPerplexity(baseBlocks);
const counts = { eval_tokens: baseBlocks.reduce((a, b) => a + b.tokens, 0), eval_blocks: baseBlocks.length };
console.error(`base perplexity ${base.toFixed(2)} on ${counts.eval_blocks} blocks of ${data.blockSize} tokens; calibration ${data.calibration.length} blocks`);

const rows: Record<string, unknown>[] = [];
const losses: Record<string, BlockLoss[]> = { base: baseBlocks };
const key = (method: string, target: number, selection: string) => `${method} @${target} ${selection}`;
for (const target of TARGETS) {
  for (const selection of SELECTIONS) {
    for (const [method, m] of Object.entries(METHODS)) {
      const t0 = performance.now();
      const cfg = { target, of: 'pruned', groups: ['heads', 'mlp'], selection, criterion: m.criterion, compensation: m.compensation,
        calibrationSamples, calibrationBatch: 8, schedule: 'one-shot' } as const;
      const plan = planPruning(model, cfg, { calibration: data.calibration });
      const pruned = applyPlan(model, plan);
      const s = sparsity(model, pruned, cfg.groups);
      const bl = losses[key(method, target, selection)] = await heldOutBlockLosses(pruned, data.validation);
      const ppl = pooledPerplexity(bl);
      const widths = (kind: string) => plan.groups.filter((g) => g.kind === kind).map((g) => g.keep.length).join('/');
      rows.push({ method, target, selection, sparsity_pruned: s.pruned, sparsity_total: s.total, ppl_base: base,
        ppl_pruned: ppl, ...intervalOnly(bl, 'ppl_pruned', ppl), heads_kept: widths('heads'), mlp_kept: widths('mlp'),
        seconds: (performance.now() - t0) / 1000, ...counts });
      console.error(`${key(method, target, selection)}: ppl ${ppl.toFixed(2)} (pruned ${(100 * s.pruned).toFixed(1)}%, heads ${widths('heads')}, mlp ${widths('mlp')})`);
      disposeModel(pruned);
    }
  }
}

const pairs: PerplexityPair[] = [];
for (const target of TARGETS) for (const selection of SELECTIONS) {
  const k = (m: string) => losses[key(m, target, selection)];
  for (const other of Object.keys(METHODS).filter((m) => m !== 'flap')) pairs.push({ label: `flap / ${other} @${target} ${selection}`, a: k('flap'), b: k(other) });
  pairs.push({ label: `wanda-sp / magnitude-l2 @${target} ${selection}`, a: k('wanda-sp'), b: k('magnitude-l2') });
}
for (const target of TARGETS) for (const m of Object.keys(METHODS)) {
  pairs.push({ label: `${m} adaptive / uniform @${target}`, a: losses[key(m, target, 'adaptive')], b: losses[key(m, target, 'uniform')] });
}
const pairTable = perplexityPairsTable(pairs);
const config = { model: 'mini-bpe', targets: TARGETS, of: 'pruned', groups: ['heads', 'mlp'], selections: SELECTIONS, methods: METHODS,
  calibrationSamples, blockSize: data.blockSize, corpora: study.corpora, evalBlocks };
writeJsonAtomic(join(resultsDir(), 'runs', 'forward-criteria', 'run.json'), { config, base, rows, pairs: pairTable.objects(), blockLosses: losses });
const corpusNote = `mini-bpe (GPT-2, 4 layers, 4 heads, 1024 MLP neurons per layer) pruned without recovery; target = share of the heads+MLP parameters removed; `
  + `calibration: ${data.calibration.length} train blocks of ${data.blockSize} tokens (${study.corpora.join(', ')}); perplexity: ${counts.eval_blocks} validation blocks drawn round-robin across ${new Set(data.validation.map((b) => b.doc)).size} documents.`;
writeTable(aq.from(rows), 'forward-criteria', { title: 'Retraining-free structured pruning of mini-bpe: held-out perplexity without recovery', notes: [corpusNote, INTERVAL_NOTE,
  'heads_kept / mlp_kept: kept units per layer (layer 0 first). flap: fluctuation (variance x squared weight-column norm) with bias compensation; flap (no compensation): the same plan without it.'] });
writeTable(pairTable, 'forward-criteria-pairs', { title: `Retraining-free pruning of mini-bpe: paired perplexity ratios on the same ${counts.eval_blocks} blocks`, notes: [PAIRS_NOTE] });
const series: PerplexitySeries[] = SELECTIONS.flatMap((selection) => Object.keys(METHODS).map((m) => ({
  label: `${m} (${selection})`, dashed: selection === 'adaptive',
  points: rows.filter((r) => r.method === m && r.selection === selection).map((r) => ({
    sparsity: r.sparsity_pruned as number, perplexity: r.ppl_pruned as number, ciLow: r.ppl_pruned_ci_low as number, ciHigh: r.ppl_pruned_ci_high as number })),
})));
savePlot(perplexityPlot(series, `mini-bpe, no recovery (dense ${base.toFixed(1)}; dotted: adaptive)`), 'forward-criteria');
console.log(JSON.stringify({ base, rows: rows.map((r) => [r.method, r.target, r.selection, r.ppl_pruned]) }));
