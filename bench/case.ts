/**
 * A benchmark case: one measurement run in its own process (bench/run.ts), so peak RSS is the
 * case's own. Files in bench/cases/*.ts export `cases: BenchCase[]`; the runner finds them.
 */
export interface BenchResult {
  /** Tokens processed per timed step. */
  readonly tokensPerStep: number;
  /** Wall-clock seconds of each timed step (warm-up excluded). */
  readonly stepSeconds: readonly number[];
  /** CPU seconds (user + system) of this process for each timed step: on a shared machine the
   *  single-threaded wasm backend's CPU time is closer to its idle wall time than wall time is. */
  readonly cpuSeconds: readonly number[];
  /** Anything else worth a column (loss, heap bytes, ...). */
  readonly extra?: Readonly<Record<string, number | string>>;
}

export interface BenchCase {
  readonly name: string;          // unique, kebab-case: `gpt2-small-fwd`
  readonly description: string;   // one line: model shape, batch, mode
  run(): Promise<BenchResult>;
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs `step` warm + timed times, returning the timed wall and CPU durations in seconds. */
export async function timeSteps(step: () => void | Promise<void>, warm: number, timed: number): Promise<{ wall: number[]; cpu: number[] }> {
  for (let i = 0; i < warm; i++) await step();
  const wall: number[] = [], cpu: number[] = [];
  for (let i = 0; i < timed; i++) {
    const t0 = performance.now(), c0 = process.cpuUsage();
    await step();
    const c = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / 1000);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { wall, cpu };
}
