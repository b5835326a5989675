/**
 * Per-document outcomes of an evaluation, kept by the evaluate step so paired tests can run on
 * cached results (experiments/paired-columns.ts): for every multiple-choice leaf task the gold
 * index, the predicted index (first argmax of the choice loglikelihoods, as lm-eval's acc) and the
 * number of choices, per document in evaluation order. Every headline metric (acc, f1, mcc) is a
 * function of (gold, pred), so these three vectors are all a paired test needs.
 */
import type { EvalResult } from '../eval/types.ts';
import { argmaxFirst } from '../eval/score-docs.ts';

export interface DocOutcomes {
  readonly gold: readonly number[];
  readonly pred: readonly number[];
  readonly choices: readonly number[];
}

/** From `evaluate(..., { logSamples: true })`; rolling tasks have no choices and are skipped. */
export function perDocOutcomes(result: EvalResult): Record<string, DocOutcomes> {
  if (!result.samples) throw new Error('perDocOutcomes: the evaluation result has no samples (evaluate with logSamples: true)');
  const out: Record<string, DocOutcomes> = {};
  for (const [task, samples] of Object.entries(result.samples)) {
    if (!samples.length || typeof samples[0]!.target !== 'number') continue;
    const gold: number[] = [], pred: number[] = [], choices: number[] = [];
    samples.forEach((s, i) => {
      const lls = (s.filtered_resps as readonly (readonly [number, boolean])[]).map((r) => r[0]);
      if (!lls.every((x) => typeof x === 'number')) throw new Error(`perDocOutcomes: ${task} document ${i} has no loglikelihoods`);
      gold.push(s.target as number); pred.push(argmaxFirst(lls)); choices.push(lls.length);
    });
    out[task] = { gold, pred, choices };
  }
  return out;
}
