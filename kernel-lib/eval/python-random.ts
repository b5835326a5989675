/**
 * Python's `random.Random` (CPython's MT19937), as far as lm-eval's bootstrap needs it:
 * `Random(n)` seeding through init_by_array on the 32-bit words of |n|, `random()` as the 53-bit
 * float (a >> 5, b >> 6), and `choices(xs, k)` = [xs[floor(random() * len(xs))] for _ in range(k)].
 * The algorithm is Matsumoto & Nishimura's mt19937ar.c reference (1997/2002).
 */
const N = 624;
const M = 397;

export interface PythonRandom {
  /** Next 32-bit output (genrand_uint32). */
  uint32(): number;
  /** random.random(): float in [0, 1) with 53 random bits. */
  random(): number;
  /** random.choices(xs, k=k) without weights. */
  choices<T>(xs: readonly T[], k: number): T[];
}

/** random.Random(seed) for a non-negative integer seed below 2**53. */
export function pythonRandom(seed: number): PythonRandom {
  if (!Number.isSafeInteger(seed)) throw new Error(`pythonRandom: seed must be a safe integer, got ${seed}`);
  // key = 32-bit words of |seed|, least significant first; seed 0 -> [0]
  let n = Math.abs(seed);
  const key: number[] = [];
  do { key.push(n % 0x100000000); n = Math.floor(n / 0x100000000); } while (n > 0);
  const mt = new Uint32Array(N);
  mt[0] = 19650218;
  for (let i = 1; i < N; i++) {
    const p = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
    mt[i] = (Math.imul(1812433253, p) + i) >>> 0;
  }
  let i = 1;
  let j = 0;
  for (let k = Math.max(N, key.length); k > 0; k--) {
    const p = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
    mt[i] = ((mt[i]! ^ Math.imul(p, 1664525)) + key[j]! + j) >>> 0;
    i++; j++;
    if (i >= N) { mt[0] = mt[N - 1]!; i = 1; }
    if (j >= key.length) j = 0;
  }
  for (let k = N - 1; k > 0; k--) {
    const p = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
    mt[i] = ((mt[i]! ^ Math.imul(p, 1566083941)) - i) >>> 0;
    i++;
    if (i >= N) { mt[0] = mt[N - 1]!; i = 1; }
  }
  mt[0] = 0x80000000;
  let mti = N;
  const uint32 = (): number => {
    if (mti >= N) {
      for (let kk = 0; kk < N; kk++) {
        const y = (mt[kk]! & 0x80000000) | (mt[(kk + 1) % N]! & 0x7fffffff);
        mt[kk] = mt[(kk + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      mti = 0;
    }
    let y = mt[mti++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
  const random = (): number => {
    const a = uint32() >>> 5;
    const b = uint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  };
  return {
    uint32,
    random,
    choices<T>(xs: readonly T[], k: number): T[] {
      const out = new Array<T>(k);
      for (let t = 0; t < k; t++) out[t] = xs[Math.floor(random() * xs.length)]!;
      return out;
    },
  };
}
