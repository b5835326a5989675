/**
 * The project's committed mini checkpoints (models/<id>/), addressable by id like hub models.
 *   - `mini-bpe`, `mini-olmo-bpe`: the mini profile's GPT-2 and OLMo-1B roles (4096-token BPE trained
 *     on the mini corpus; embedding 24.5% / 18.1% of the parameters).
 *   - `mini`, `mini-olmo`: the first mini models (GPT-2's 50257-token vocabulary, 89% embedding),
 *     kept for the CLI tour, the pruning side studies and the tests that pin their shapes.
 */
import { join } from 'node:path';
import { projectRoot } from '../runtime/files.ts';

/** Each id with the command that rebuilds its checkpoint. */
const MINI_MODELS: Readonly<Record<string, string>> = {
  'mini': 'scripts/pretrain-mini.ts at the revision models/mini/TRAINING.md names (GPT-2 vocabulary; today\'s script builds the BPE shapes)',
  'mini-olmo': 'scripts/pretrain-mini.ts --family olmo at the revision models/mini-olmo/TRAINING.md names (GPT-2 vocabulary)',
  'mini-bpe': 'scripts/pretrain-mini.ts (models/mini-bpe/TRAINING.md)',
  'mini-olmo-bpe': 'scripts/pretrain-mini.ts --family olmo (models/mini-olmo-bpe/TRAINING.md)',
};

export const MINI_MODEL_IDS: readonly string[] = Object.keys(MINI_MODELS);

export function isMiniModelId(id: string): boolean {
  return Object.hasOwn(MINI_MODELS, id);
}

/** Folder of a mini model id. */
export function miniModelDir(id: string): string {
  if (!isMiniModelId(id)) throw new Error(`'${id}' is not a mini model id (${MINI_MODEL_IDS.join(', ')})`);
  return join(projectRoot, 'models', id);
}

/** How the checkpoint of a mini id is rebuilt (for "not found" messages). */
export function miniModelRecipe(id: string): string {
  return MINI_MODELS[id] ?? '';
}
