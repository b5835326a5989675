/**
 * Recovery budgets of an iterative run relative to a one-shot run's (the compute confound of
 * one-shot vs iterative): the same total, or the write-up's "as long per iteration as one-shot in total".
 *   - 'equal':    the iterative run spends one-shot's TOTAL recovery budget, split evenly over its
 *                 iterations (tokens / iterations each; in epochs mode E / iterations epochs each).
 *   - 'write-up': each iteration recovers as long as one-shot does in total, so the whole run spends
 *                 iterations x one-shot's budget (the write-up's 3 epochs after each of its pruning steps).
 * `oneShot` is the plan one-shot runs with: `tokens` is its whole budget, or `epochsPerIteration`
 * (when set) is its whole budget in epochs, since one-shot has one iteration.
 */
import type { RecoveryPlan } from './recovery-data.ts';

export type IterativeBudget = 'equal' | 'write-up';
export const ITERATIVE_BUDGETS: readonly IterativeBudget[] = ['equal', 'write-up'];

/** The recovery plan of an iterative run of `iterations` steps under `budget`, given one-shot's plan. */
export function iterativeRecoveryPlan(oneShot: RecoveryPlan, iterations: number, budget: IterativeBudget): RecoveryPlan {
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`iterativeRecoveryPlan: iterations must be an integer >= 1, got ${JSON.stringify(iterations)}`);
  const epochs = oneShot.epochsPerIteration;
  if (budget === 'equal') {
    // tokens already mean "for the whole schedule" (recoveryStepsPerIteration splits them); epochs are per iteration.
    return epochs === null ? oneShot : { ...oneShot, epochsPerIteration: epochs / iterations };
  }
  if (budget === 'write-up') return epochs === null ? { ...oneShot, tokens: oneShot.tokens * iterations } : oneShot;
  throw new Error(`iterativeRecoveryPlan: budget must be one of ${ITERATIVE_BUDGETS.join(', ')}, got ${JSON.stringify(budget)}`);
}

/** Both iterative plans of a one-shot plan, keyed by budget. */
export function iterativeRecoveryPlans(oneShot: RecoveryPlan, iterations: number): Readonly<Record<IterativeBudget, RecoveryPlan>> {
  return { equal: iterativeRecoveryPlan(oneShot, iterations, 'equal'), 'write-up': iterativeRecoveryPlan(oneShot, iterations, 'write-up') };
}

/** How a budget reads in a row label: "equal budget" / "write-up budget: 4 x one-shot". */
export function budgetLabel(budget: IterativeBudget, iterations: number): string {
  return budget === 'equal' ? 'equal budget' : `write-up budget: ${iterations} x one-shot`;
}
