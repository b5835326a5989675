/**
 * Registry of importance criteria: a new criterion is one file plus one line here.
 */
import type { Importance } from './types.ts';
import { magnitudeL1, magnitudeL2 } from './magnitude.ts';
import { taylor } from './taylor.ts';
import { activation } from './activation.ts';
import { random } from './random.ts';
import { flap } from './flap.ts';
import { wandaSp } from './wanda-sp.ts';

/** What a criterion reads beyond the weights' shapes; decides the flow `lab prune` takes without recovery. */
export type CriterionInput = 'weights' | 'gradients' | 'forward' | 'nothing';

const registry: readonly (readonly [string, Importance, CriterionInput])[] = [
  ['magnitude-l1', magnitudeL1, 'weights'],
  ['magnitude-l2', magnitudeL2, 'weights'],
  ['taylor', taylor, 'gradients'],
  ['activation', activation, 'forward'],
  ['random', random, 'nothing'],
  ['flap', flap, 'forward'],
  ['wanda-sp', wandaSp, 'forward'],
];

export const importanceCriteria: ReadonlyMap<string, Importance> = new Map(registry.map(([name, f]) => [name, f]));

const inputText: Readonly<Record<CriterionInput, string>> = {
  weights: 'weights only',
  gradients: 'gradients: backward passes on tfjs (the model becomes tfjs variables)',
  forward: 'forward-pass statistics on ONNX Runtime',
  nothing: 'nothing',
};

/** What each criterion reads beyond the weights, in words (shown by the CLI; taylor alone needs tfjs). */
export const criterionNeeds: ReadonlyMap<string, string> = new Map(registry.map(([name, , input]) => [name, inputText[input]]));

/** The criteria that read forward-pass statistics: without recovery, `lab prune` runs them on forward passes only. */
export const forwardOnlyCriteria: readonly string[] = registry.filter(([, , input]) => input === 'forward').map(([name]) => name);

/** The criterion of a name; throws listing the known ones. */
export function getImportance(name: string): Importance {
  const f = importanceCriteria.get(name);
  if (!f) throw new Error(`unknown importance criterion '${name}': known criteria are ${[...importanceCriteria.keys()].join(', ')}`);
  return f;
}
