/** Frees a model's parameter tensors (a model is data: disposing it is disposing its variables). */
import type { LanguageModel } from './types.ts';
import { HostParams } from './host-params.ts';

export function disposeModel(model: LanguageModel): void {
  if (model.params instanceof HostParams) { model.params.dispose(); return; }   // only the variables it made, if any
  for (const v of model.params.values()) v.dispose();
}
