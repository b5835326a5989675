/** Frees a model's parameter tensors (a model is data: disposing it is disposing its variables). */
import type { LanguageModel } from './types.ts';

export function disposeModel(model: LanguageModel): void {
  for (const v of model.params.values()) v.dispose();
}
