/**
 * `npm run reproduce` (= `lab reproduce --profile mini`): the whole study end to end, printing each
 * table as it completes and the paths of what it wrote. Every step is cached, so a second run only
 * reads results back. At the end it prints where the wall time went, per step and phase
 * (runtime/wall-profile.ts), and writes that profile to results/profile/reproduce-profile.{json,md}
 * (reproduce-profile-cached.* when every step was cached, so the computing run's profile stays).
 */
import { join } from 'node:path';
import { tableMarkdown } from '../report/table-format.ts';
import { initBackend } from '../runtime/backend.ts';
import { setEnv } from '../runtime/settings.ts';
import { table1, table2, table3, perplexityTable, studyPlots, type StudyTable } from './study-tables.ts';
import type { Profile } from './profiles.ts';
import { inPhase, resetWallProfile, wallProfile, type WallProfileRow } from '../runtime/wall-profile.ts';
import { resultsDir, writeFileAtomic, writeJsonAtomic } from '../runtime/files.ts';
import { studyTrainEngine } from './study-train-engine.ts';
import { seedCount } from './study-seeds.ts';
import { profileTable } from './profile-table.ts';

export interface ReproduceResult {
  readonly tables: readonly StudyTable[];
  readonly plots: Readonly<Record<string, { html: string; png: string | null; note: string | null }>>;
  readonly seconds: number;
  /** Wall seconds per (step, phase), largest first. */
  readonly profile: readonly WallProfileRow[];
}

/** How the study uses the cores. `wasmThreads`: threads of the wasm build's XNNPACK pool (the
 *  first initBackend call of the process decides); `trainReplicas`: data-parallel training
 *  replicas on wasm (train/replicas.ts), set for this process as LAB_TRAIN_REPLICAS; `trainEngine`:
 *  what computes training gradients (train/choose-engine.ts), set as LAB_TRAIN_ENGINE (it is in the keys). */
export interface ReproduceCores { readonly wasmThreads?: number; readonly trainReplicas?: number; readonly trainEngine?: 'ort' | 'tfjs';
  /** Training seeds of every trained arm (experiments/study-seeds.ts), set for this process as LAB_SEEDS (seeds other than 0 are in the keys). */
  readonly seeds?: number }

export async function reproduce(profile: Profile, log: (line: string) => void = (l) => console.log(l), cores: ReproduceCores = {}): Promise<ReproduceResult> {
  const t0 = Date.now();
  resetWallProfile();
  if (cores.trainReplicas !== undefined) setEnv('LAB_TRAIN_REPLICAS', String(cores.trainReplicas));
  if (cores.trainEngine !== undefined) setEnv('LAB_TRAIN_ENGINE', cores.trainEngine);
  if (cores.seeds !== undefined) setEnv('LAB_SEEDS', String(cores.seeds));
  const backend = await initBackend(cores.wasmThreads === undefined ? {} : { wasmThreads: cores.wasmThreads });
  log(`Pruning Lab: profile '${profile.name}' on ${backend.choice}; ${profile.description}`);
  for (const c of profile.choices) log(`  choice: ${c}`);
  log(`  training seeds: ${seedCount(profile)} per trained arm`);
  const tables: StudyTable[] = [];
  for (const build of [table1, table2, perplexityTable, table3]) {
    const t = await build(profile);
    tables.push(t);
    log(`\n### ${t.title}\n\n${tableMarkdown(t.table)}\n${t.notes.map((n) => `${n}\n`).join('')}wrote ${t.files.csv}, ${t.files.md}, ${t.files.html}`);
  }
  const { saved } = await inPhase('plots', () => studyPlots(profile));
  for (const [name, s] of Object.entries(saved)) log(`plot ${name}: ${s.html}${s.png ? `, ${s.png}` : ''}${s.note ? ` (${s.note})` : ''}`);
  const seconds = (Date.now() - t0) / 1000;
  const rows = wallProfile();
  const t = profileTable(rows);
  const dir = join(resultsDir(), 'profile');
  const stepsRun = new Set(rows.map((r) => r.step).filter((s) => s !== 'study')).size;
  const trainEngine = studyTrainEngine(profile);
  const seeds = seedCount(profile);
  const about = `${seconds.toFixed(0)} s in all; ${stepsRun} step(s) ran, the rest were cached (a cached step takes no time and has no row); training engine: ${trainEngine}; training seeds: ${seeds}.`;
  // A run with every step cached keeps its profile apart, so the profile of the run that computed the steps stays.
  const stem = stepsRun === 0 ? 'reproduce-profile-cached' : 'reproduce-profile';
  const seedsFlag = seeds === 1 ? '' : ` --seeds ${seeds}`;
  writeJsonAtomic(join(dir, `${stem}.json`), { profile: profile.name, seconds, stepsRun, trainEngine, seeds, phases: t.phases, rows });
  writeFileAtomic(join(dir, `${stem}.md`), `### Wall time of lab reproduce --profile ${profile.name}${seedsFlag} by step and phase (s)\n\n${about}\n\n${t.markdown}`);
  log(`\nwall time by step and phase (s):\n\n${t.markdown}\nlargest: ${t.phases.slice(0, 4).map((p) => `${p.phase} ${p.seconds.toFixed(0)} s`).join(', ')}; wrote ${join(dir, `${stem}.md`)}`);
  log(`\ndone in ${seconds.toFixed(0)} s`);
  return { tables, plots: saved, seconds, profile: rows };
}
