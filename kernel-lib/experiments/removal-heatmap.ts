/**
 * What a plan removed, as one picture: a heatmap with one row per layer and one column per unit
 * kind (heads, MLP neurons), colour = share of the layer's units removed, each cell labelled
 * removed / before. Non-uniform selections (global, adaptive) show where the cuts went.
 */
import type { PruningPlan } from '../prune/pruning-plan.ts';
import type { Plot } from '../report/plots.ts';

export function removalHeatmap(plan: PruningPlan, title = `Removed per layer (${plan.criterion}, ${plan.selection})`): Plot {
  const kinds = [...new Set(plan.groups.map((g) => g.kind))];
  const layers = [...new Set(plan.groups.map((g) => g.layer))].sort((a, b) => a - b);
  if (!kinds.length) throw new Error('removalHeatmap: the plan has no groups');
  const cell = (kind: string, layer: number) => plan.groups.find((g) => g.kind === kind && g.layer === layer);
  const z = layers.map((l) => kinds.map((k) => { const g = cell(k, l); return g ? (g.count - g.keep.length) / g.count : null; }));
  const text = layers.map((l) => kinds.map((k) => { const g = cell(k, l); return g ? `${g.count - g.keep.length} / ${g.count}` : ''; }));
  return {
    data: [{ type: 'heatmap', z, x: kinds, y: layers, text, texttemplate: '%{text}', zmin: 0, zmax: 1, colorscale: 'Reds', colorbar: { title: { text: 'removed' } } }],
    layout: { title: { text: title }, font: { family: 'sans-serif', size: 13 }, margin: { t: 50, l: 60, r: 20, b: 60 },
      xaxis: { title: { text: 'units' } }, yaxis: { title: { text: 'layer' }, dtick: 1, autorange: 'reversed' } },
  };
}
