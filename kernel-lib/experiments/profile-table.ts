/**
 * The wall-clock profile of a study run (runtime/wall-profile.ts) as a markdown table: one row per
 * step (the study's own work included), largest total first, one column per phase (largest total
 * first), seconds; a last row of phase totals. `phases` lists the phases' totals, largest first.
 */
import type { WallProfileRow } from '../runtime/wall-profile.ts';

export interface ProfileTable {
  readonly markdown: string;
  /** Seconds per phase over all steps, largest first. */
  readonly phases: readonly { readonly phase: string; readonly seconds: number }[];
  readonly totalSeconds: number;
}

export function profileTable(rows: readonly WallProfileRow[]): ProfileTable {
  const sum = new Map<string, number>();
  const steps = new Map<string, Map<string, number>>();
  for (const r of rows) {
    sum.set(r.phase, (sum.get(r.phase) ?? 0) + r.seconds);
    const s = steps.get(r.step) ?? new Map<string, number>();
    s.set(r.phase, (s.get(r.phase) ?? 0) + r.seconds);
    steps.set(r.step, s);
  }
  const phases = [...sum].map(([phase, seconds]) => ({ phase, seconds })).sort((a, b) => b.seconds - a.seconds);
  const totalSeconds = phases.reduce((t, p) => t + p.seconds, 0);
  const cell = (v: number | undefined) => (v === undefined ? '' : v.toFixed(1));
  const line = (xs: readonly string[]) => `| ${xs.join(' | ')} |`;
  const out = [line(['step', 'total s', ...phases.map((p) => p.phase)]), line(['---', '---:', ...phases.map(() => '---:')])];
  const totalOf = (s: Map<string, number>) => [...s.values()].reduce((t, v) => t + v, 0);
  for (const [step, s] of [...steps].sort((a, b) => totalOf(b[1]) - totalOf(a[1]))) {
    out.push(line([step, cell(totalOf(s)), ...phases.map((p) => cell(s.get(p.phase)))]));
  }
  out.push(line(['**all**', cell(totalSeconds), ...phases.map((p) => cell(p.seconds))]));
  return { markdown: out.join('\n') + '\n', phases, totalSeconds };
}
