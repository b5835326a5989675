/**
 * Importance scores of a pruning plan as pictures: a heatmap of attention-head scores (layer x
 * head, removed heads marked) and a histogram of MLP-neuron scores (kept vs removed).
 */
import type { PruningPlan, UnitKind } from '../prune/pruning-plan.ts';
import type { Plot } from '../report/plots.ts';

const layout = (title: string, extra: Record<string, unknown>): Record<string, unknown> =>
  ({ title: { text: title }, font: { family: 'sans-serif', size: 13 }, margin: { t: 50, l: 60, r: 20, b: 60 }, ...extra });

function groupsOf(plan: PruningPlan, kind: UnitKind) {
  const gs = plan.groups.filter((g) => g.kind === kind).sort((a, b) => a.layer - b.layer);
  if (!gs.length) throw new Error(`importance plot: the plan has no '${kind}' groups (kinds: ${[...new Set(plan.groups.map((g) => g.kind))].join(', ')})`);
  if (gs.some((g) => g.scores.length !== g.count)) throw new Error(`importance plot: a '${kind}' group has no scores (hand-written plan?)`);
  return gs;
}

/** Heatmap: one row per layer, one column per head, colour = importance; removed heads marked with ×. */
export function headImportanceHeatmap(plan: PruningPlan, title = `Attention-head importance (${plan.criterion})`): Plot {
  const gs = groupsOf(plan, 'heads');
  const width = Math.max(...gs.map((g) => g.count));
  const z = gs.map((g) => Array.from({ length: width }, (_, h) => g.scores[h] ?? null));
  const removed = gs.flatMap((g) => { const k = new Set(g.keep); return g.scores.map((_, h) => h).filter((h) => !k.has(h)).map((h) => ({ h, l: g.layer })); });
  return {
    data: [
      { type: 'heatmap', z, x: Array.from({ length: width }, (_, h) => h), y: gs.map((g) => g.layer), colorscale: 'Viridis', colorbar: { title: { text: 'score' } } },
      { type: 'scatter', mode: 'markers', name: 'removed', x: removed.map((r) => r.h), y: removed.map((r) => r.l), marker: { symbol: 'x', size: 14, color: 'red' } },
    ],
    layout: layout(title, { xaxis: { title: { text: 'head' }, dtick: 1 }, yaxis: { title: { text: 'layer' }, dtick: 1, autorange: 'reversed' }, showlegend: false }),
  };
}

/** Histogram of MLP-neuron scores over all layers, kept and removed neurons as two overlaid series. */
export function neuronScoreHistogram(plan: PruningPlan, title = `MLP-neuron importance (${plan.criterion})`): Plot {
  const kept: number[] = [], removed: number[] = [];
  for (const g of groupsOf(plan, 'mlp')) {
    const k = new Set(g.keep);
    g.scores.forEach((s, u) => (k.has(u) ? kept : removed).push(s));
  }
  return {
    data: [
      { type: 'histogram', name: `kept (${kept.length})`, x: kept, opacity: 0.7, nbinsx: 60 },
      { type: 'histogram', name: `removed (${removed.length})`, x: removed, opacity: 0.7, nbinsx: 60 },
    ],
    layout: layout(title, { barmode: 'overlay', xaxis: { title: { text: 'importance score' } }, yaxis: { title: { text: 'neurons' } } }),
  };
}
