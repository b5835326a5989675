/**
 * Seeded randomness for everything on the JS side (shuffles, sampling, mini data generation).
 * splitmix32: tiny, fast, and its whole state is one uint32, so an RNG can be checkpointed
 * (`state`) and restored exactly for resumable runs.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Current state, to save with a checkpoint. */
  state(): number;
}

export function createRng(seed: number, state?: number): Rng {
  let s = (state ?? (seed ^ 0x9e3779b9)) >>> 0;
  const nextU32 = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  return {
    next: () => nextU32() / 4294967296,
    int: (n) => Math.floor((nextU32() / 4294967296) * n),
    state: () => s,
  };
}

/** Fisher-Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
