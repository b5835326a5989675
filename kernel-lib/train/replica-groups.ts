/**
 * The arithmetic of data-parallel replicas (train/replicas.ts), shared by the main thread and the
 * workers: how a micro-batch is split, how parameters are dealt into groups for the shared update,
 * and the group's gradient reduction with its squared norm.
 */

/** Contiguous parts of `n` blocks over `count` replicas, sizes differing by at most one, larger first; empty parts dropped. */
export function splitSizes(n: number, count: number): number[] {
  const base = Math.floor(n / count), extra = n % count;
  return Array.from({ length: count }, (_, k) => base + (k < extra ? 1 : 0)).filter((s) => s > 0);
}

/** Deals parameter names (in order) into `count` groups of about equal element counts: each name goes to the group with the fewest elements so far, largest names first. */
export function dealGroups(sizes: ReadonlyMap<string, number>, count: number): string[][] {
  const groups: string[][] = Array.from({ length: count }, () => []);
  const load = new Array<number>(count).fill(0);
  const order = [...sizes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [name, n] of order) {
    let k = 0;
    for (let j = 1; j < count; j++) if (load[j]! < load[k]!) k = j;
    groups[k]!.push(name);
    load[k]! += n;
  }
  return groups;
}

/** Adds the other replicas' sums of `group` into replica 0's (`grads[r]`: name -> sums) and returns
 *  the group's squared norm, accumulated in float64 in the group's order (clip.ts's globalNorm). */
export function reduceGroup(grads: readonly ReadonlyMap<string, Float32Array>[], group: readonly string[]): number {
  let sq = 0;
  for (const n of group) {
    const a = grads[0]!.get(n)!;
    for (let r = 1; r < grads.length; r++) { const g = grads[r]!.get(n)!; for (let i = 0; i < a.length; i++) a[i] += g[i]!; }
    for (let i = 0; i < a.length; i++) { const x = a[i]!; sq += x * x; }
  }
  return sq;
}
