/**
 * FLAP's adaptive structure search (An et al., AAAI 2024): each (layer, kind) group's scores are
 * standardised, (s - mean) / sd over the group's units, then every unit of every layer and both
 * kinds is ranked on that one scale and the lowest go until the parameters removed reach the
 * target (each unit weighted by the parameters it owns, so a head costs what its slices hold and a
 * neuron what its three weights hold). Per-layer widths and the heads/MLP split both follow the
 * scores. Floors (minHeads, minMlpWidth) are never crossed; kept MLP widths round up to
 * `roundMlpTo` by keeping the best of the removed neurons.
 */
import type { PlanGroup } from './pruning-plan.ts';
import type { PruneConfig } from './prune-config.ts';
import type { ScoredGroup } from './select-units.ts';

type Options = Pick<PruneConfig, 'minHeads' | 'minMlpWidth' | 'roundMlpTo'>;

/** (s - mean) / sd over one group's scores (population sd; all zeros when the scores are constant). */
export function standardize(scores: ArrayLike<number>): Float64Array {
  const n = scores.length;
  let mean = 0;
  for (let k = 0; k < n; k++) mean += scores[k]! / n;
  let v = 0;
  for (let k = 0; k < n; k++) v += (scores[k]! - mean) ** 2 / n;
  const sd = Math.sqrt(v);
  return Float64Array.from({ length: n }, (_, k) => (sd > 0 ? (scores[k]! - mean) / sd : 0));
}

export function selectAdaptive(groups: readonly ScoredGroup[], removeParams: number, o: Options): PlanGroup[] {
  const pool: { g: number; u: number; z: number }[] = [];
  groups.forEach((s, g) => standardize(s.scores).forEach((z, u) => pool.push({ g, u, z })));
  pool.sort((a, b) => (a.z - b.z) || (a.g - b.g) || (b.u - a.u));
  const keepN = groups.map((s) => s.group.count);
  const removed = groups.map(() => new Set<number>());
  const floor = (g: number) => Math.min(groups[g]!.group.kind === 'heads' ? o.minHeads : o.minMlpWidth, groups[g]!.group.count);
  let done = 0;
  for (const p of pool) {
    const cost = groups[p.g]!.unitParams;
    if (done + cost / 2 > removeParams) break;   // the next unit would overshoot more than stopping undershoots
    if (keepN[p.g]! <= floor(p.g)) continue;
    keepN[p.g]!--;
    removed[p.g]!.add(p.u);
    done += cost;
  }
  return groups.map((s, g) => {
    const gone = removed[g]!;
    if (s.group.kind === 'mlp' && o.roundMlpTo > 1) {
      const want = Math.min(s.group.count, Math.ceil((s.group.count - gone.size) / o.roundMlpTo) * o.roundMlpTo);
      const back = [...gone].sort((a, b) => s.scores[b]! - s.scores[a]!);
      while (s.group.count - gone.size < want) gone.delete(back.shift()!);
    }
    return {
      kind: s.group.kind, layer: s.group.layer, count: s.group.count,
      keep: [...Array(s.group.count).keys()].filter((u) => !gone.has(u)), scores: Array.from(s.scores),
    };
  });
}
