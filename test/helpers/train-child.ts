/**
 * Child process for the kill-and-resume test: `node --import tsx train-child.ts RUN_DIR OUT_FILE [resume]`
 * trains the tiny GPT-2 with a fixed config, prints `step N` after every update (the parent kills it
 * at some N), and on completion writes every parameter as raw float32 bytes to OUT_FILE.
 */
import { writeFileSync } from 'node:fs';
import { initBackend, finetune } from '../../kernel-lib/index.ts';
import { tinyGpt2, makeBlocks } from './train-fixtures.ts';

const [runDir, outFile, mode] = process.argv.slice(2);
process.env.LAB_QUIET = '1';
await initBackend({ quiet: true });
const { model, log } = await finetune(tinyGpt2(), { train: makeBlocks(10), validation: makeBlocks(3) },
  { steps: 12, batchSize: 2, accumulation: 2, lr: 5e-3, warmupSteps: 2, saveEvery: 2, evalEvery: 4, seed: 21, runDir: runDir!, resume: mode === 'resume' },
  { onRecord: (r) => { process.stdout.write(`step ${r.step}\n`); const until = Date.now() + 30; while (Date.now() < until) { /* slow down so the parent can interrupt */ } } });
if (log.stoppedBy === 'interrupt') { process.stdout.write('interrupted\n'); process.exit(130); }
const parts = [...model.params.values()].map((p) => Buffer.from((p.dataSync() as Float32Array).buffer));
writeFileSync(outFile!, Buffer.concat(parts));
process.stdout.write('done\n');
