/**
 * Sparsity stated the three ways the literature uses (docs/pruning-facts.md section 3):
 * of all parameters (LLM-Pruner's reported ratio), of non-embedding parameters (Kaplan),
 * of the prunable attention+MLP weights (FLAP / Wanda-sp "pruning ratio").
 */
import type { LanguageModel } from '../model/types.ts';
import { countParameters, type ParameterCounts } from './count-parameters.ts';
import type { SparsityOf } from './prune-config.ts';
import type { UnitKind } from './pruning-plan.ts';

export interface Sparsity {
  /** removed / total parameters of the base. */
  readonly total: number;
  /** removed / non-embedding parameters of the base. */
  readonly nonEmbedding: number;
  /** removed / unit-owned parameters of the pruned kinds in the base. */
  readonly pruned: number;
  /** Parameters removed. */
  readonly removed: number;
}

/** Denominator (parameter count) of a target counted `of` this way, for the given unit kinds. */
export function sparsityDenominator(counts: ParameterCounts, of: SparsityOf, kinds: readonly UnitKind[]): number {
  if (of === 'total') return counts.total;
  if (of === 'non-embedding') return counts.nonEmbedding;
  return kinds.reduce((a, k) => a + counts.prunable[k], 0);
}

/** Sparsity of `pruned` relative to `base` (counts or models); `kinds` = the kinds pruned (default both). */
export function sparsity(
  base: LanguageModel | ParameterCounts,
  pruned: LanguageModel | ParameterCounts,
  kinds: readonly UnitKind[] = ['heads', 'mlp'],
): Sparsity {
  const b = 'params' in base ? countParameters(base) : base;
  const p = 'params' in pruned ? countParameters(pruned) : pruned;
  const removed = b.total - p.total;
  return {
    total: removed / b.total,
    nonEmbedding: removed / b.nonEmbedding,
    pruned: removed / sparsityDenominator(b, 'pruned', kinds),
    removed,
  };
}
