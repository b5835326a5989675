/**
 * Learning-rate schedules as closed forms of the update index.
 * They follow Hugging Face transformers' `get_{constant,linear,cosine}_schedule_with_warmup`
 * (optimization.py): update `s` (0-based; the first update is s = 0) uses lr * f(s) with
 *   warmup (s < W):  f = s / max(1, W)
 *   constant:        f = 1
 *   linear:          f = max(0, (S - s) / max(1, S - W))
 *   cosine:          f = max(0, 0.5 * (1 + cos(pi * (s - W) / max(1, S - W))))   (half a cycle)
 * where S = total updates. Our one addition is a floor `minLrRatio` r for the decaying part,
 * f' = r + (1 - r) * f (r = 0 gives HF exactly; nanoGPT-style pretraining uses r = 0.1).
 */
export const SCHEDULE_NAMES = ['constant', 'linear', 'cosine'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

export interface ScheduleSpec {
  readonly schedule: ScheduleName;
  readonly lr: number;          // peak learning rate
  readonly warmupSteps: number; // W
  readonly steps: number;       // S, total updates
  readonly minLrRatio?: number; // r, default 0
}

/** The multiplier f(s) in [0, 1] of the peak learning rate at update `s`. */
export function scheduleFactor(spec: ScheduleSpec, s: number): number {
  const { schedule, warmupSteps: W, steps: S } = spec;
  const r = spec.minLrRatio ?? 0;
  if (s < W) return s / Math.max(1, W);
  const progress = (s - W) / Math.max(1, S - W);
  switch (schedule) {
    case 'constant': return 1;
    case 'linear': return r + (1 - r) * Math.max(0, (S - s) / Math.max(1, S - W));
    case 'cosine': return r + (1 - r) * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
    default: throw new Error(`unknown schedule '${String(schedule)}': expected one of ${SCHEDULE_NAMES.join(', ')}`);
  }
}

/** The learning rate of update `s` (0-based). */
export function learningRate(spec: ScheduleSpec, s: number): number {
  return spec.lr * scheduleFactor(spec, s);
}
