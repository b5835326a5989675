/**
 * Registry of model families by config.json model_type, built from data: GPT-2, and one
 * Llama-like family per entry of model/llama-like-types.ts (a new family of that kind is one
 * entry there). Family files do not import this module.
 */
import type { BaseConfig, Family, FamilyName } from './types.ts';
import { gpt2 } from './gpt2.ts';
import { llamaLikeFamily } from './llama-like.ts';
import { llamaLikeTypes } from './llama-like-types.ts';

const FAMILIES: ReadonlyMap<FamilyName, Family<any>> = new Map<FamilyName, Family<any>>([
  [gpt2.name, gpt2],
  ...llamaLikeTypes.map((t) => [t.modelType, llamaLikeFamily(t)] as const),
]);

/** The family of a name; throws listing the known families. */
export function getFamily<C extends BaseConfig = BaseConfig>(name: string): Family<C> {
  const f = FAMILIES.get(name);
  if (!f) throw new Error(`unknown model family '${name}': known families are ${[...FAMILIES.keys()].join(', ') || '(none registered)'}`);
  return f as Family<C>;
}

/** Which family a raw config.json belongs to, from its `model_type`. */
export function familyOfConfig(raw: Record<string, unknown>, file: string): FamilyName {
  const t = raw.model_type;
  if (typeof t === 'string' && FAMILIES.has(t)) return t;
  throw new Error(`${file}: model_type ${JSON.stringify(t)} is not supported (expected ${[...FAMILIES.keys()].map((k) => JSON.stringify(k)).join(', ')})`);
}
