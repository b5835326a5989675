/**
 * A wall-clock profile of this process by (step, phase): `inStep` names the study step that runs
 * (experiments/step-cache.ts), `inPhase` marks what the code inside it does (load, tokenise,
 * session build, forward, train, statistics, tables). Times are exclusive: a phase nested in
 * another (a session built during a forward pass) is taken out of the outer one, so the rows of
 * a step add up to its wall time, and whatever no phase covers is that step's `other`.
 * Recording is always on and costs two clock reads per phase; `wallProfile()` reads it.
 */

/** One row of the profile: seconds spent in `phase` while `step` ran; `calls`: times it was entered (a step's `other`: runs of the step). */
export interface WallProfileRow {
  readonly step: string;
  readonly phase: string;
  readonly seconds: number;
  readonly calls: number;
}

/** The step outside every cached step (the study's own table and plot building). */
export const STUDY = 'study';
const OTHER = 'other';

const totals = new Map<string, { step: string; phase: string; ms: number; calls: number }>();
const frames: { step: string; phase: string; since: number }[] = [];
let origin = performance.now();

function add(step: string, phase: string, ms: number, call: boolean): void {
  const k = `${step}\u0000${phase}`;
  const t = totals.get(k) ?? { step, phase, ms: 0, calls: 0 };
  t.ms += ms;
  if (call) t.calls++;
  totals.set(k, t);
}

function enter(step: string, phase: string): void {
  const now = performance.now();
  const top = frames.at(-1);
  if (top) add(top.step, top.phase, now - top.since, false);
  else add(STUDY, OTHER, now - origin, false);
  frames.push({ step, phase, since: now });
}

function leave(): void {
  const now = performance.now();
  const f = frames.pop()!;
  add(f.step, f.phase, now - f.since, true);
  const top = frames.at(-1);
  if (top) top.since = now; else origin = now;
}

function run<T>(step: string, phase: string, fn: () => T): T {
  enter(step, phase);
  let r: T;
  try {
    r = fn();
  } catch (e) {
    leave();
    throw e;
  }
  if (r instanceof Promise) return r.finally(leave) as T;
  leave();
  return r;
}

/** Runs `fn` (sync or async) as step `step`; time not in a phase counts as the step's `other`. */
export function inStep<T>(step: string, fn: () => T): T {
  return run(step, OTHER, fn);
}

/** Runs `fn` (sync or async) as `phase` of the step that is running. Async phases must not overlap. */
export function inPhase<T>(phase: string, fn: () => T): T {
  return run(frames.at(-1)?.step ?? STUDY, phase, fn);
}

/** The profile so far (the running phases up to now), largest first. */
export function wallProfile(): WallProfileRow[] {
  const now = performance.now();
  const rows = new Map([...totals].map(([k, t]) => [k, { ...t }]));
  const top = frames.at(-1);
  const open = top ? { step: top.step, phase: top.phase, since: top.since } : { step: STUDY, phase: OTHER, since: origin };
  const k = `${open.step}\u0000${open.phase}`;
  const r = rows.get(k) ?? { step: open.step, phase: open.phase, ms: 0, calls: 0 };
  r.ms += now - open.since;
  rows.set(k, r);
  return [...rows.values()].filter((x) => x.ms > 0)
    .map((x) => ({ step: x.step, phase: x.phase, seconds: x.ms / 1000, calls: x.calls }))
    .sort((a, b) => b.seconds - a.seconds);
}

/** Clears the profile (a new run in the same process; tests). */
export function resetWallProfile(): void {
  totals.clear();
  frames.length = 0;
  origin = performance.now();
}
