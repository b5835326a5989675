/**
 * What a plan removed, as one picture: a heatmap with one row per layer and one column per unit
 * kind (heads, MLP neurons), colour = share of the layer's units removed, each cell labelled
 * removed / before. Non-uniform selections (global, adaptive) show where the cuts went. Drawn from
 * the plan's summary (prune/plan-summary.ts), the `plan` of a prune_summary.json.
 */
import type { PlanSummary } from '../prune/plan-summary.ts';
import type { Plot } from '../report/plots.ts';

export function removalHeatmap(s: Pick<PlanSummary, 'criterion' | 'selection' | 'layers'>, title = `Removed per layer (${s.criterion}, ${s.selection})`): Plot {
  const kinds = [...new Set(s.layers.map((g) => g.kind))].sort();
  const layers = [...new Set(s.layers.map((g) => g.layer))].sort((a, b) => a - b);
  if (!kinds.length) throw new Error('removalHeatmap: the plan summary has no layers');
  const cell = (kind: string, layer: number) => s.layers.find((g) => g.kind === kind && g.layer === layer);
  const z = layers.map((l) => kinds.map((k) => { const g = cell(k, l); return g ? (g.before - g.after) / g.before : null; }));
  const text = layers.map((l) => kinds.map((k) => { const g = cell(k, l); return g ? `${g.before - g.after} / ${g.before}` : ''; }));
  return {
    data: [{ type: 'heatmap', z, x: kinds, y: layers, text, texttemplate: '%{text}', zmin: 0, zmax: 1, colorscale: 'Reds', colorbar: { title: { text: 'removed' } } }],
    layout: { title: { text: title }, font: { family: 'sans-serif', size: 13 }, margin: { t: 50, l: 60, r: 20, b: 60 },
      xaxis: { title: { text: 'units' } }, yaxis: { title: { text: 'layer' }, dtick: 1, autorange: 'reversed' } },
  };
}
