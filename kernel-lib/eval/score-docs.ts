/**
 * Per-document scoring of multiple-choice answers (lm-eval process_results):
 * pred = first argmax of the loglikelihoods, pred_norm = first argmax of ll / len(choice) with
 * len = Unicode code points of the raw choice (no delimiter); acc / acc_norm are 0/1 items;
 * f1 and mcc items are (gold, pred) pairs reduced at aggregation time.
 */
import type { MultipleChoiceMetric } from './types.ts';
import type { GoldPred } from './metrics.ts';
import { pyLen } from '../data/formats/py-string.ts';

/** np.argmax: index of the first maximum. */
export function argmaxFirst(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}

export type MetricItem = number | GoldPred;

/** Metric items of one document for the task's metrics. */
export function scoreMultipleChoice(
  metrics: readonly MultipleChoiceMetric[], choices: readonly string[], gold: number, lls: readonly number[],
): Record<string, MetricItem> {
  if (lls.length !== choices.length) throw new Error(`scoreMultipleChoice: ${lls.length} loglikelihoods for ${choices.length} choices`);
  const pred = argmaxFirst(lls);
  const out: Record<string, MetricItem> = {};
  for (const m of metrics) {
    if (m === 'acc') out[m] = pred === gold ? 1 : 0;
    else if (m === 'acc_norm') out[m] = argmaxFirst(lls.map((ll, i) => ll / pyLen(choices[i]!))) === gold ? 1 : 0;
    else out[m] = [gold, pred] as const;
  }
  return out;
}
