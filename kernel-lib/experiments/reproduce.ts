/**
 * `npm run reproduce` (= `lab reproduce --profile mini`): the whole study end to end, printing each
 * table as it completes and the paths of what it wrote. Every step is cached, so a second run only
 * reads results back.
 */
import { tableMarkdown } from '../report/table-format.ts';
import { initBackend } from '../runtime/backend.ts';
import { setEnv } from '../runtime/settings.ts';
import { table1, table2, table3, perplexityTable, studyPlots, type StudyTable } from './study-tables.ts';
import type { Profile } from './profiles.ts';

export interface ReproduceResult {
  readonly tables: readonly StudyTable[];
  readonly plots: Readonly<Record<string, { html: string; png: string | null; note: string | null }>>;
  readonly seconds: number;
}

/** How the study uses the cores. `wasmThreads`: threads of the wasm build's XNNPACK pool (the
 *  first initBackend call of the process decides); `trainReplicas`: data-parallel training
 *  replicas on wasm (train/replicas.ts), set for this process as LAB_TRAIN_REPLICAS. */
export interface ReproduceCores { readonly wasmThreads?: number; readonly trainReplicas?: number }

export async function reproduce(profile: Profile, log: (line: string) => void = (l) => console.log(l), cores: ReproduceCores = {}): Promise<ReproduceResult> {
  const t0 = Date.now();
  if (cores.trainReplicas !== undefined) setEnv('LAB_TRAIN_REPLICAS', String(cores.trainReplicas));
  const backend = await initBackend(cores.wasmThreads === undefined ? {} : { wasmThreads: cores.wasmThreads });
  log(`Pruning Lab: profile '${profile.name}' on ${backend.choice}; ${profile.description}`);
  for (const c of profile.choices) log(`  choice: ${c}`);
  const tables: StudyTable[] = [];
  for (const build of [table1, table2, perplexityTable, table3]) {
    const t = await build(profile);
    tables.push(t);
    log(`\n### ${t.title}\n\n${tableMarkdown(t.table)}\n${t.notes.map((n) => `${n}\n`).join('')}wrote ${t.files.csv}, ${t.files.md}, ${t.files.html}`);
  }
  const { saved } = await studyPlots(profile);
  for (const [name, s] of Object.entries(saved)) log(`plot ${name}: ${s.html}${s.png ? `, ${s.png}` : ''}${s.note ? ` (${s.note})` : ''}`);
  const seconds = (Date.now() - t0) / 1000;
  log(`\ndone in ${seconds.toFixed(0)} s`);
  return { tables, plots: saved, seconds };
}
