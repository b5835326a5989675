/**
 * Chance level of a headline metric (docs/statistics.md): the expected value, as the number of
 * documents grows, of a guesser that picks one of each document's k choices uniformly at random,
 * independently of the document.
 *   acc: mean over documents of 1/k_d.
 *   mcc: 0 (guesses independent of the labels have zero correlation with them).
 *   f1 (label 1 positive): precision -> pi (the share of gold 1), recall -> 1/k, so
 *       F1 -> 2 pi (1/k) / (pi + 1/k); for k = 2 that is pi / (pi + 1/2). It depends on the label share.
 */
export type ChanceMetric = 'acc' | 'mcc' | 'f1';

export function chanceLevel(metric: string, gold: readonly number[], choices: readonly number[]): number {
  if (gold.length === 0 || gold.length !== choices.length) throw new Error(`chanceLevel: need one choice count per document, got ${gold.length} golds and ${choices.length} counts`);
  if (choices.some((k) => !(Number.isInteger(k) && k >= 1))) throw new Error('chanceLevel: every document needs a positive integer number of choices');
  if (metric === 'acc') return choices.reduce((s, k) => s + 1 / k, 0) / choices.length;
  if (metric === 'mcc') return 0;
  if (metric === 'f1') {
    const pi = gold.filter((g) => g === 1).length / gold.length;
    const q = choices.reduce((s, k) => s + 1 / k, 0) / choices.length;   // P(guess = 1) when label 1 is one of k choices
    return pi + q === 0 ? 0 : (2 * pi * q) / (pi + q);
  }
  throw new Error(`chanceLevel: no chance-level definition for metric '${metric}' (known: acc, mcc, f1)`);
}
