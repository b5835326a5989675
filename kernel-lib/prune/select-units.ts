/**
 * Selection: which units stay, given scores, so that about `removeParams` parameters
 * go. Both strategies remove the same fraction r of units of every pruned kind (LLM-Pruner's
 * "ratio of groups"); r is found by bisection so the parameter count meets the target.
 *  - uniform: r of the units in every layer (LLM-Pruner / Torch-Pruning default): uniform shapes,
 *    exportable to HF configs.
 *  - global: r of all units of a kind across layers, ranked by scores normalised per layer by their
 *    L2 norm (Michel, Levy & Neubig 2019): per-layer widths become non-uniform.
 *  - adaptive: FLAP's standardised ranking over layers and kinds (prune/select-adaptive.ts).
 * Floors (minHeads, minMlpWidth) are never crossed; kept MLP widths round up to `roundMlpTo`.
 */
import type { PrunableGroup } from '../model/types.ts';
import type { PlanGroup, UnitKind } from './pruning-plan.ts';
import type { PruneConfig } from './prune-config.ts';
import { selectAdaptive } from './select-adaptive.ts';

export interface ScoredGroup {
  readonly group: PrunableGroup;
  readonly scores: Float32Array;   // [count]
  readonly unitParams: number;     // parameters one unit owns
}

/** The strategies above and what each gives (PruneConfig.selection, `lab prune --selection` and its help come from here). */
export const selections = {
  uniform: 'the same fraction of units in every layer (widths transformers can load)',
  global: 'one ranking over layers after per-layer L2 normalisation (per-layer widths, which transformers cannot load)',
  adaptive: "FLAP's standardised ranking over layers and kinds (per-layer widths, which transformers cannot load)",
} as const satisfies Record<string, string>;
export type SelectionName = keyof typeof selections;
export const selectionNames = Object.keys(selections) as readonly SelectionName[];

type SelectOptions = Pick<PruneConfig, 'selection' | 'minHeads' | 'minMlpWidth' | 'roundMlpTo'>;

/** Units ordered from least to most important (ties: higher index first, so lower ids survive). */
function ascending(scores: ArrayLike<number>): number[] {
  return [...Array(scores.length).keys()].sort((a, b) => (scores[a]! - scores[b]!) || (b - a));
}

function floorOf(kind: UnitKind, o: SelectOptions): number {
  return kind === 'heads' ? o.minHeads : o.minMlpWidth;
}

/** Kept count after the floor and the MLP rounding (never above count). */
function adjustKept(kind: UnitKind, count: number, kept: number, o: SelectOptions): number {
  let k = Math.max(kept, Math.min(floorOf(kind, o), count));
  if (kind === 'mlp' && o.roundMlpTo > 1) k = Math.min(count, Math.ceil(k / o.roundMlpTo) * o.roundMlpTo);
  return k;
}

/** Kept units of each group for fraction r (sorted ascending ids). */
function keepFor(groups: readonly ScoredGroup[], orders: readonly number[][], r: number, o: SelectOptions): number[][] {
  const keepN = groups.map((s) => {
    const c = s.group.count;
    return o.selection === 'uniform' ? adjustKept(s.group.kind, c, c - Math.round(r * c), o) : c;
  });
  if (o.selection === 'global') {
    for (const kind of ['heads', 'mlp'] as const) {
      const idx = groups.map((_, i) => i).filter((i) => groups[i]!.group.kind === kind);
      if (!idx.length) continue;
      // Pool every unit of this kind, scores normalised per layer by their L2 norm.
      const pool: { g: number; u: number; s: number }[] = [];
      for (const i of idx) {
        const sc = groups[i]!.scores;
        const norm = Math.sqrt(sc.reduce((a, x) => a + x * x, 0)) || 1;
        for (let u = 0; u < sc.length; u++) pool.push({ g: i, u, s: sc[u]! / norm });
      }
      pool.sort((a, b) => (a.s - b.s) || (b.u - a.u));
      let toRemove = Math.round(r * pool.length);
      const floor = floorOf(kind, o);
      for (const p of pool) {
        if (toRemove === 0) break;
        if (keepN[p.g]! > floor) { keepN[p.g]!--; toRemove--; }
      }
      for (const i of idx) keepN[i] = adjustKept(kind, groups[i]!.group.count, keepN[i]!, o);
    }
  }
  return groups.map((s, i) => orders[i]!.slice(s.group.count - keepN[i]!).sort((a, b) => a - b));
}

function removedParams(groups: readonly ScoredGroup[], keep: readonly number[][]): number {
  return groups.reduce((a, s, i) => a + (s.group.count - keep[i]!.length) * s.unitParams, 0);
}

/**
 * Plan groups removing about `removeParams` parameters (the closest achievable count).
 * Throws, before anything changes, when the floors make the target unreachable.
 */
export function selectUnits(groups: readonly ScoredGroup[], removeParams: number, o: SelectOptions): PlanGroup[] {
  if (o.selection === 'adaptive') return selectAdaptive(groups, removeParams, o);
  const orders = groups.map((s) => ascending(s.scores));
  const max = removedParams(groups, keepFor(groups, orders, 1, o));
  if (removeParams > max * (1 + 1e-9)) {
    throw new Error(`prune: the target asks to remove ${removeParams.toFixed(0)} parameters, but the floors `
      + `(minHeads ${o.minHeads}, minMlpWidth ${o.minMlpWidth}, roundMlpTo ${o.roundMlpTo}) allow at most ${max} from these groups`);
  }
  let lo = 0, hi = 1;
  for (let it = 0; it < 50; it++) {
    const mid = (lo + hi) / 2;
    if (removedParams(groups, keepFor(groups, orders, mid, o)) >= removeParams) hi = mid; else lo = mid;
  }
  const kLo = keepFor(groups, orders, lo, o), kHi = keepFor(groups, orders, hi, o);
  const best = Math.abs(removedParams(groups, kLo) - removeParams) < Math.abs(removedParams(groups, kHi) - removeParams) ? kLo : kHi;
  return groups.map((s, i) => ({
    kind: s.group.kind, layer: s.group.layer, count: s.group.count, keep: best[i]!, scores: Array.from(s.scores),
  }));
}
