/** scheduleTable and pruningTable on hand-written prune step results: perplexities shown with the intervals the step kept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scheduleTable, pruningTable, type Pruned } from '../../kernel-lib/index.ts';
import type { PruneStepResult } from '../../kernel-lib/experiments/steps/prune-step.ts';
import type { StepOutcome } from '../../kernel-lib/experiments/step-cache.ts';
import type { PerplexityUncertainty } from '../../kernel-lib/stats/perplexity-uncertainty.ts';

const iteration = (k: number, pruned: number, recovered: number | null) => ({
  iteration: k, target: 0.1 * k, parameters: { total: 1000 - 100 * k }, sparsity: { pruned: 0.1 * k, nonEmbedding: 0.09 * k, total: 0.05 * k },
  metricPruned: pruned, metricRecovered: recovered,
});
const est = (ciLow: number, ciHigh: number) => ({ ciLow, ciHigh, blocks: 48 }) as PerplexityUncertainty;

function run(perplexities: PruneStepResult['perplexities']): StepOutcome<PruneStepResult> {
  const log = { metricBase: 266.6, base: { total: 1000 }, iterations: [iteration(1, 382.28471, 295.06), iteration(2, 436.1, null)] };
  const result = { schedule: 'iterative', log, perplexities, recoveryTokens: 64, latencyMs: { before: null, after: null } };
  return { result: result as unknown as PruneStepResult, dir: '/x', key: 'k', cached: true };
}
const rows = (t: { objects(): object[] }) => t.objects() as Record<string, unknown>[];

test('value [95% CI] where the step kept the interval; the value alone where not; empty where not measured', () => {
  const t = scheduleTable(run([
    { iteration: 0, stage: 'base', estimate: est(240, 290) },
    { iteration: 1, stage: 'pruned', estimate: est(350.1, 417.25) },
    { iteration: 1, stage: 'recovered', estimate: est(270, 322.5) },
  ]));
  assert.deepEqual(rows(t).map((r) => [r.ppl_after_prune, r.ppl_after_recovery, r.eval_blocks]), [
    ['382.2847 [350.1000, 417.2500]', '295.0600 [270.0000, 322.5000]', 48],
    ['436.1000', '', 48],   // iteration 2 resumed: measured before, no interval kept
  ]);
  assert.deepEqual(rows(t).map((r) => [r.iteration, r.params, r.achieved_pruned_kinds]), [[1, 900, 0.1], [2, 800, 0.2]]);
});

test('a step cached before intervals were kept: values alone, eval_blocks empty', () => {
  const t = scheduleTable(run(undefined));
  assert.deepEqual(rows(t).map((r) => [r.ppl_after_prune, r.ppl_after_recovery, r.eval_blocks]), [['382.2847', '295.0600', null], ['436.1000', '', null]]);
});

test('pruningTable: before, right after the last cut and after its recovery, each with its interval where kept', () => {
  const step = run([{ iteration: 0, stage: 'base', estimate: est(245.8, 289.15) }, { iteration: 2, stage: 'pruned', estimate: est(400, 470) }]);
  const t = pruningTable([{ label: 'm', budget: 'equal', step } as unknown as Pruned]);
  // the last iteration (2) was not recovered: ppl_recovered empty
  assert.deepEqual(rows(t).map((r) => [r.ppl_before, r.ppl_pruned, r.ppl_recovered]), [['266.6000 [245.8000, 289.1500]', '436.1000 [400.0000, 470.0000]', '']]);
});
