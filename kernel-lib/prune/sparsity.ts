/**
 * Sparsity stated the three ways the literature uses (docs/pruning-facts.md section 3):
 * of all parameters (LLM-Pruner's reported ratio), of non-embedding parameters (Kaplan),
 * of the prunable attention+MLP weights (FLAP / Wanda-sp "pruning ratio").
 */
import type { LanguageModel } from '../model/types.ts';
import { countParameters, type ParameterCounts } from './count-parameters.ts';
import { unitKinds, type UnitKind } from './pruning-plan.ts';

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

/** What a sparsity target can be counted of, by name (PruneConfig.of, `lab prune --of` and its help come from here). */
const denominators = {
  'total': (counts: ParameterCounts) => counts.total,
  'non-embedding': (counts: ParameterCounts) => counts.nonEmbedding,
  'pruned': (counts: ParameterCounts, kinds: readonly UnitKind[]) => kinds.reduce((a, k) => a + counts.prunable[k], 0),
} as const;
export type SparsityOf = keyof typeof denominators;
export const sparsityOfNames = Object.keys(denominators) as SparsityOf[];

/** Denominator (parameter count) of a target counted `of` this way, for the given unit kinds. */
export function sparsityDenominator(counts: ParameterCounts, of: SparsityOf, kinds: readonly UnitKind[]): number {
  return denominators[of](counts, kinds);
}

/** Sparsity of `pruned` relative to `base` (counts or models); `kinds` = the kinds pruned (default both). */
export function sparsity(
  base: LanguageModel | ParameterCounts,
  pruned: LanguageModel | ParameterCounts,
  kinds: readonly UnitKind[] = unitKinds,
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
