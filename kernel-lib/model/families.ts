/**
 * Registry of model families, built from explicit imports: a new family is one
 * file plus one line in FAMILIES. Family files do not import this module.
 */
import type { BaseConfig, Family, FamilyName } from './types.ts';
import { gpt2 } from './gpt2.ts';
import { olmo } from './olmo.ts';
import { llama } from './llama.ts';

const FAMILIES: ReadonlyMap<FamilyName, Family<any>> = new Map<FamilyName, Family<any>>([
  [gpt2.name, gpt2],
  [olmo.name, olmo],
  [llama.name, llama],
]);

/** The family of a name; throws listing the known families. */
export function getFamily<C extends BaseConfig = BaseConfig>(name: string): Family<C> {
  const f = FAMILIES.get(name as FamilyName);
  if (!f) throw new Error(`unknown model family '${name}': known families are ${[...FAMILIES.keys()].join(', ') || '(none registered)'}`);
  return f as Family<C>;
}

/** Which family a raw config.json belongs to, from its `model_type`. */
export function familyOfConfig(raw: Record<string, unknown>, file: string): FamilyName {
  const t = raw.model_type;
  if (typeof t === 'string' && FAMILIES.has(t as FamilyName)) return t as FamilyName;
  throw new Error(`${file}: model_type ${JSON.stringify(t)} is not supported (expected ${[...FAMILIES.keys()].map((k) => JSON.stringify(k)).join(' or ')})`);
}
