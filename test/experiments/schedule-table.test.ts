/** scheduleTable on a hand-written prune step result: perplexities shown with the intervals the step kept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scheduleTable } from '../../kernel-lib/experiments/study-views.ts';
import type { PruneStepResult } from '../../kernel-lib/experiments/steps/prune-step.ts';
import type { StepOutcome } from '../../kernel-lib/experiments/step-cache.ts';
import type { PerplexityEstimate } from '../../kernel-lib/stats/perplexity-stderr.ts';

const iteration = (k: number, pruned: number, recovered: number | null) => ({
  iteration: k, target: 0.1 * k, parameters: { total: 1000 - 100 * k }, sparsity: { pruned: 0.1 * k, nonEmbedding: 0.09 * k, total: 0.05 * k },
  metricPruned: pruned, metricRecovered: recovered,
});
const est = (ciLow: number, ciHigh: number) => ({ ciLow, ciHigh, blocks: 48 }) as PerplexityEstimate;

function run(perplexities: PruneStepResult['perplexities']): StepOutcome<PruneStepResult> {
  const log = { iterations: [iteration(1, 382.28471, 295.06), iteration(2, 436.1, null)] };
  return { result: { log, perplexities } as unknown as PruneStepResult, dir: '/x', key: 'k', cached: true };
}

test('value [95% CI] where the step kept the interval; the value alone where not; empty where not measured', () => {
  const t = scheduleTable(run([
    { iteration: 0, stage: 'base', estimate: est(240, 290) },
    { iteration: 1, stage: 'pruned', estimate: est(350.1, 417.25) },
    { iteration: 1, stage: 'recovered', estimate: est(270, 322.5) },
  ]));
  assert.deepEqual(t.objects().map((r) => [r.ppl_after_prune, r.ppl_after_recovery, r.eval_blocks]), [
    ['382.2847 [350.1000, 417.2500]', '295.0600 [270.0000, 322.5000]', 48],
    ['436.1000', '', 48],   // iteration 2 resumed: measured before, no interval kept
  ]);
  assert.deepEqual(t.objects().map((r) => [r.iteration, r.params, r.achieved_pruned_kinds]), [[1, 900, 0.1], [2, 800, 0.2]]);
});

test('a step cached before intervals were kept: values alone, eval_blocks empty', () => {
  const t = scheduleTable(run(undefined));
  assert.deepEqual(t.objects().map((r) => [r.ppl_after_prune, r.ppl_after_recovery, r.eval_blocks]), [['382.2847', '295.0600', null], ['436.1000', '', null]]);
});
