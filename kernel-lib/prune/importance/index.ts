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

export const importanceCriteria: ReadonlyMap<string, Importance> = new Map<string, Importance>([
  ['magnitude-l1', magnitudeL1],
  ['magnitude-l2', magnitudeL2],
  ['taylor', taylor],
  ['activation', activation],
  ['random', random],
  ['flap', flap],
  ['wanda-sp', wandaSp],
]);

/** What each criterion reads beyond the weights (shown by the CLI; taylor alone needs tfjs). */
export const criterionNeeds: ReadonlyMap<string, string> = new Map([
  ['magnitude-l1', 'weights only'],
  ['magnitude-l2', 'weights only'],
  ['taylor', 'gradients: backward passes on tfjs (the model becomes tfjs variables)'],
  ['activation', 'forward-pass statistics on ONNX Runtime'],
  ['random', 'nothing'],
  ['flap', 'forward-pass statistics on ONNX Runtime'],
  ['wanda-sp', 'forward-pass statistics on ONNX Runtime'],
]);

/** The criterion of a name; throws listing the known ones. */
export function getImportance(name: string): Importance {
  const f = importanceCriteria.get(name);
  if (!f) throw new Error(`unknown importance criterion '${name}': known criteria are ${[...importanceCriteria.keys()].join(', ')}`);
  return f;
}
