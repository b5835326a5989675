/** Registry of model families (STYLE P6/P10: a new family is one file plus one line here). */
import type { BaseConfig, Family, FamilyName } from './types.ts';

const registry = new Map<FamilyName, Family<any>>();

/** Called once by each family module at import time. */
export function registerFamily<C extends BaseConfig>(family: Family<C>): void {
  registry.set(family.name, family);
}

/** The family of a name; throws listing the known families. */
export function getFamily<C extends BaseConfig = BaseConfig>(name: string): Family<C> {
  const f = registry.get(name as FamilyName);
  if (!f) throw new Error(`unknown model family '${name}': known families are ${[...registry.keys()].join(', ') || '(none registered)'}`);
  return f as Family<C>;
}

/** Which family a raw config.json belongs to, from its `model_type`. */
export function familyOfConfig(raw: Record<string, unknown>, file: string): FamilyName {
  const t = raw.model_type;
  if (t === 'gpt2') return 'gpt2';
  if (t === 'olmo') return 'olmo';
  throw new Error(`${file}: model_type ${JSON.stringify(t)} is not supported (expected "gpt2" or "olmo")`);
}
