/**
 * Registry of importance criteria: a new criterion is one file plus one line here.
 */
import type { Importance } from './types.ts';
import { magnitudeL1, magnitudeL2 } from './magnitude.ts';
import { taylor } from './taylor.ts';
import { activation } from './activation.ts';
import { random } from './random.ts';

export const importanceCriteria: ReadonlyMap<string, Importance> = new Map<string, Importance>([
  ['magnitude-l1', magnitudeL1],
  ['magnitude-l2', magnitudeL2],
  ['taylor', taylor],
  ['activation', activation],
  ['random', random],
]);

/** The criterion of a name; throws listing the known ones. */
export function getImportance(name: string): Importance {
  const f = importanceCriteria.get(name);
  if (!f) throw new Error(`unknown importance criterion '${name}': known criteria are ${[...importanceCriteria.keys()].join(', ')}`);
  return f;
}
