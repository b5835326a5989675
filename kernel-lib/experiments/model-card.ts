/**
 * A model card for a notebook: the architecture numbers of the config and the parameters by
 * component (embeddings, attention, MLP, norms), each with its share of the total, read from the
 * model's actual tensors (so a pruned model's card shows what is left).
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { LanguageModel } from '../model/types.ts';
import { getFamily } from '../model/families.ts';
import { countParameters } from '../prune/count-parameters.ts';

export interface ModelCard {
  readonly config: ColumnTable;       // field, value: family, layers, hidden size, heads, MLP width, vocabulary, context
  readonly parameters: ColumnTable;   // component, parameters, share (of the total)
  readonly embeddingShare: number;    // embeddings / total
}

/** Architecture and parameter counts of `model`, as two tables. */
export function modelCard(model: LanguageModel): ModelCard {
  const c = countParameters(model);
  const family = getFamily(model.family);
  const groups = family.groups(model);
  const units = (kind: 'heads' | 'mlp') => groups.filter((g) => g.kind === kind).map((g) => g.count);
  const heads = family.layerHeads(model.config, new Map([...model.params].map(([n, v]) => [n, v.shape])));
  const perLayer = (xs: number[]) => (new Set(xs).size <= 1 ? String(xs[0] ?? 0) : xs.join(' / '));
  const cfg = model.config;
  const config = aq.from([
    { field: 'family', value: model.family },
    { field: 'layers', value: String(cfg.numLayers) },
    { field: 'hidden size', value: String(cfg.hiddenSize) },
    { field: 'attention heads per layer', value: perLayer(heads.map((h) => h.heads)) },
    // grouped-query attention: fewer key/value heads than query heads
    ...(heads.some((h) => h.kvHeads !== h.heads) ? [{ field: 'key/value heads per layer', value: perLayer(heads.map((h) => h.kvHeads)) }] : []),
    { field: 'MLP neurons per layer', value: perLayer(units('mlp')) },
    { field: 'vocabulary', value: String(cfg.vocabSize) },
    { field: 'context (tokens)', value: String(cfg.maxPositions) },
    { field: 'tied input/output embeddings', value: String(cfg.tieWordEmbeddings) },
  ]);
  const rows: [string, number][] = [['embeddings', c.embeddings], ['attention', c.attention], ['MLP', c.mlp], ['norms', c.layerNorm], ['other', c.other], ['total', c.total]];
  const parameters = aq.from(rows.filter(([n, v]) => v > 0 || n === 'total').map(([component, n]) => ({ component, parameters: n, share: n / c.total })));
  return { config, parameters, embeddingShare: c.embeddings / c.total };
}
