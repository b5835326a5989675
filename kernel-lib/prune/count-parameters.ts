/**
 * Parameter accounting (docs/pruning-facts.md section 3): totals by role, counting tied embeddings once
 * (a tied model has no separate lm_head tensor in `params`), plus the unit-owned (prunable) counts
 * per group kind read from the family's declared groups.
 */
import type { LanguageModel } from '../model/types.ts';
import { getFamily } from '../model/families.ts';
import { unitParamCount } from './unit-blocks.ts';
import { forShapes, numel, paramShapes } from '../model/param-values.ts';
import type { UnitKind } from './pruning-plan.ts';

export interface ParameterCounts {
  /** Token + position embeddings and an untied output head. */
  readonly embeddings: number;
  /** Everything under an attention block (q/k/v/o weights and biases). */
  readonly attention: number;
  /** Everything under an MLP block. */
  readonly mlp: number;
  /** LayerNorm / RMSNorm scales and biases. */
  readonly layerNorm: number;
  /** Parameters matching none of the roles above (0 for GPT-2 and OLMo). */
  readonly other: number;
  readonly total: number;
  /** total - embeddings (Kaplan et al.'s "non-embedding parameters"). */
  readonly nonEmbedding: number;
  /** Parameters owned by prunable units, per kind (GPT-2 small: heads 28,339,200, mlp 56,659,968). */
  readonly prunable: Readonly<Record<UnitKind, number>>;
}

type Role = 'embeddings' | 'attention' | 'mlp' | 'layerNorm' | 'other';

/** Role of an HF parameter name. Name patterns cover both families' HF layouts (wte, wpe, embed_tokens, lm_head; ln_1, ln_f, *norm; attn; mlp). */
export function parameterRole(name: string): Role {
  if (/(^|\.)(wte|wpe|embed_tokens|embed_positions|lm_head)(\.|$)/.test(name)) return 'embeddings';
  if (/(^|\.)(ln_\w*|ln_f|\w*norm\w*)(\.|$)/i.test(name)) return 'layerNorm';
  if (/(^|\.)(attn|self_attn|attention)(\.|$)/.test(name)) return 'attention';
  if (/(^|\.)(mlp|feed_forward|ffn)(\.|$)/.test(name)) return 'mlp';
  return 'other';
}

export function countParameters(model: LanguageModel): ParameterCounts {
  const by: Record<Role, number> = { embeddings: 0, attention: 0, mlp: 0, layerNorm: 0, other: 0 };
  for (const [name, shape] of paramShapes(model)) by[parameterRole(name)] += numel(shape);
  const prunable: Record<UnitKind, number> = { heads: 0, mlp: 0 };
  const m = forShapes(model);
  for (const g of getFamily(model.family).groups(m)) prunable[g.kind] += g.count * unitParamCount(m, g);
  const total = by.embeddings + by.attention + by.mlp + by.layerNorm + by.other;
  return { ...by, total, nonEmbedding: total - by.embeddings, prunable };
}
