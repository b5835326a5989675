/**
 * Does longer multi-task fine-tuning move Table 1 on the mini profile? The study fine-tunes for 40
 * updates of 4 x 128 tokens (4% of an epoch of the mixture's 3,737 training blocks); this runs
 * Table 1 again with one full epoch (934 updates) at the study's learning rate and at a third of
 * it, everything else as the study (ONNX Runtime training, the same data, seed and evaluation),
 * under LAB_RESULTS_DIR (default: results/sweeps/finetune-epochs, which git ignores: the study's own
 * tables stay as they are) and keeps each run's Table 1 as results/tables/table1-one-epoch-lr<lr>.{csv,md}.
 *   node --import tsx scripts/finetune-epochs.ts     (about 15 minutes on 2 cores)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, writeFileAtomic } from '../kernel-lib/runtime/files.ts';
import { settings, setEnv } from '../kernel-lib/runtime/settings.ts';

if (settings().resultsDir === null) setEnv('LAB_RESULTS_DIR', join(projectRoot, 'results', 'sweeps', 'finetune-epochs'));
const { getProfile, initBackend } = await import('../kernel-lib/index.ts');
const { table1 } = await import('../kernel-lib/experiments/study-tables.ts');
const { tableMarkdown } = await import('../kernel-lib/report/table-format.ts');

await initBackend({});
const mini = getProfile('mini', { quick: false });
const EPOCH = 934;   // ceil(3,737 training blocks / 4 per update)
for (const lr of [1e-3, 3e-4]) {
  const profile = { ...mini, multitask: { ...mini.multitask, train: { ...mini.multitask.train, steps: EPOCH, lr, warmupSteps: 47, evalEvery: 200 } } };
  const t = await table1(profile);
  const paired = t.table.filter((r) => r['row_kind'] === 'paired delta');
  // the run's Table 1 (csv, md) is kept in the project's results/tables as table1-one-epoch-lr<lr>.*
  const keep = (f: string): string => {
    const ext = f.slice(f.lastIndexOf('.'));
    const to = join(projectRoot, 'results', 'tables', `table1-one-epoch-lr${lr}${ext}`);
    const head = ext === '.md' ? `One epoch of multi-task fine-tuning (${EPOCH} updates at lr ${lr}) instead of the study's 40 updates; everything else as the study (scripts/finetune-epochs.ts).\n\n` : '';
    writeFileAtomic(to, head + readFileSync(f, 'utf8'));
    return to;
  };
  console.log(`\n### one epoch (${EPOCH} updates) at lr ${lr}: fine-tuned minus base\n\n${tableMarkdown(paired)}\nwrote ${keep(t.files.csv)}, ${keep(t.files.md)}`);
}
