/**
 * The study's training seeds (docs/statistics.md, "Training seeds"). Seed s sets the train-config
 * seed of the multi-task fine-tuning (data order) and of the recovery runs of the pruned models and
 * the dense control, which start from the model fine-tuned with the same seed. The profile says how
 * many (`seeds`: 1 for mini, paper and quick); LAB_SEEDS, which `lab reproduce --seeds N` sets,
 * overrides it. Seed 0 is the study as it ran before seeds existed: its steps keep their keys.
 */
import { settings } from '../runtime/settings.ts';
import type { Profile } from './profiles.ts';

/** How many training seeds: LAB_SEEDS when set (a positive integer, else an error naming it), else the profile's. */
export function seedCount(profile: Pick<Profile, 'seeds'>): number {
  const raw = settings().seeds;
  if (raw === null) return profile.seeds;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1) throw new Error(`LAB_SEEDS=${raw}: expected a positive integer (the number of training seeds, e.g. 3)`);
  return n;
}

/** The training seeds of every trained arm: [0, 1, ..., N-1]. */
export function studySeeds(profile: Pick<Profile, 'seeds'>): number[] {
  return Array.from({ length: seedCount(profile) }, (_, s) => s);
}
