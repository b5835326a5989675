/**
 * Retraining-free pruning, one shot, on forward passes only: held-out perplexity of the dense
 * model, the plan (flap / wanda-sp / activation read calibration statistics on ONNX Runtime; bias
 * compensation when configured), the plan applied on the host (prune/apply-plan-host.ts) and the
 * pruned model's perplexity on the same blocks. Nothing becomes a tfjs variable unless the
 * criterion needs it (taylor, magnitude), so a model of several GiB is pruned in its float32 size
 * plus one ONNX Runtime session at a time (sessions are freed between phases).
 */
import type { LanguageModel } from '../model/types.ts';
import type { BlockLoss } from '../stats/perplexity-stderr.ts';
import { disposeSessions } from '../engine/ort-sessions.ts';
import { planPruning } from './plan-pruning.ts';
import { applyPlanOnHost } from './apply-plan-host.ts';
import { planSummary, type PlanSummary } from './plan-summary.ts';
import { countParameters, type ParameterCounts } from './count-parameters.ts';
import { sparsity, type Sparsity } from './sparsity.ts';
import { blockLossesOn } from './block-losses-on.ts';
import type { PruneConfig } from './prune-config.ts';
import { resolvePruneTarget, type PruneTarget } from './prune-target.ts';
import type { PruningPlan } from './pruning-plan.ts';
import type { RecoveryData } from './recovery-data.ts';

export interface ForwardOnlyResult {
  readonly model: LanguageModel;
  readonly plan: PruningPlan;
  readonly summary: PlanSummary;
  readonly parameters: { readonly before: ParameterCounts; readonly after: ParameterCounts };
  readonly sparsity: Sparsity;
  /** Per-block losses of the dense and pruned models on the same held-out blocks (null without evaluation). */
  readonly blockLosses: { readonly base: BlockLoss[]; readonly pruned: BlockLoss[] } | null;
  readonly seconds: { readonly baseEval: number; readonly plan: number; readonly prunedEval: number };
}

export function perplexityOf(blocks: readonly BlockLoss[]): number {
  const nll = blocks.reduce((a, b) => a + b.nll, 0), tokens = blocks.reduce((a, b) => a + b.tokens, 0);
  return Math.exp(nll / tokens);
}

export function pruneForwardOnly(model: LanguageModel, config: PruneConfig | PruneTarget, data: RecoveryData, opts: { readonly evaluate: boolean }): ForwardOnlyResult {
  const target = resolvePruneTarget(config);
  const cfg = target.config;
  if (cfg.schedule !== 'one-shot') throw new Error(`pruneForwardOnly: schedule '${cfg.schedule}' needs recovery between steps; use one-shot`);
  const now = () => performance.now() / 1000;
  let t = now();
  const base = opts.evaluate ? blockLossesOn(model, data.validation) : null;
  disposeSessions();
  const tBase = now() - t; t = now();
  const plan = planPruning(model, target, { calibration: data.calibration });
  disposeSessions();
  const pruned = applyPlanOnHost(model, plan);
  const tPlan = now() - t; t = now();
  const after = opts.evaluate ? blockLossesOn(pruned, data.validation) : null;
  disposeSessions();
  const before = countParameters(model), afterCounts = countParameters(pruned);
  return {
    model: pruned, plan, summary: planSummary(plan), parameters: { before, after: afterCounts },
    sparsity: sparsity(before, afterCounts, cfg.groups),
    blockLosses: base && after ? { base, pruned: after } : null,
    seconds: { baseEval: tBase, plan: tPlan, prunedEval: now() - t },
  };
}
