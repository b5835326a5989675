/**
 * `npm run notebooks:execute [-- files...] [--profile mini|paper] [--quick] [--seeds N]`: the one command that
 * regenerates the committed executed notebooks. Runs each notebook (default notebooks/*.ipynb)
 * through the real tslab kernel (run-notebooks.ts), normalizes its outputs (normalize-outputs.ts)
 * and writes it back in place with its outputs; the study steps it calls are cached, so with a warm
 * cache (after `npm run reproduce`) this takes about a minute. Refuses to write when a notebook
 * fails, and fails when an executed notebook exceeds the size limits (1 MB each, 5 MB in all).
 * `--seeds N` runs the kernels with LAB_SEEDS=N; the npm script passes 3, the training seeds of the
 * committed tables (`npm run reproduce:seeds` fills that cache).
 */
import { parseArgs } from 'node:util';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { projectRoot, writeFileAtomic } from '../../kernel-lib/runtime/files.ts';
import { runNotebooks } from './run-notebooks.ts';
import { normalizeOutputs } from './normalize-outputs.ts';

export const NOTEBOOK_MAX_BYTES = 1_000_000;
export const NOTEBOOKS_TOTAL_MAX_BYTES = 5_000_000;

/** The study notebooks, sorted. */
export function studyNotebooks(): string[] {
  const dir = join(projectRoot, 'notebooks');
  return readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => join(dir, f));
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: {
    profile: { type: 'string', default: 'mini' }, quick: { type: 'boolean', default: false }, timeout: { type: 'string', default: '1800' }, seeds: { type: 'string' },
  } });
  const seeds = values.seeds === undefined ? undefined : Number(values.seeds);
  if (seeds !== undefined && !(Number.isInteger(seeds) && seeds >= 1)) { console.error(`notebooks:execute: --seeds must be a positive integer, got '${values.seeds}'`); return 2; }
  const profile = values.profile;
  if (profile !== 'mini' && profile !== 'paper') { console.error(`notebooks:execute: --profile must be mini or paper, got '${profile}'`); return 2; }
  const files = positionals.length ? positionals.map((f) => resolve(f)) : studyNotebooks();
  const out = mkdtempSync(join(tmpdir(), 'lab-nb-exec-'));
  try {
    const r = await runNotebooks(files, { profile, quick: values.quick, outDir: out, timeoutS: Number(values.timeout), ...(seeds === undefined ? {} : { seeds }) });
    if (r.exitCode !== 0) { console.error('notebooks:execute: a notebook failed; nothing written'); return r.exitCode; }
    let total = 0;
    for (const f of files) {
      const nb = normalizeOutputs(JSON.parse(readFileSync(join(out, basename(f)), 'utf8')), { root: projectRoot });
      writeFileAtomic(f, JSON.stringify(nb, null, 1) + '\n');
      const size = statSync(f).size;
      total += size;
      console.log(`${f.slice(projectRoot.length + 1)}: ${(size / 1e3).toFixed(0)} kB${size > NOTEBOOK_MAX_BYTES ? '  OVER THE 1 MB LIMIT' : ''}`);
    }
    console.log(`total ${(total / 1e6).toFixed(2)} MB (limit ${NOTEBOOKS_TOTAL_MAX_BYTES / 1e6} MB)`);
    return total > NOTEBOOKS_TOTAL_MAX_BYTES || files.some((f) => statSync(f).size > NOTEBOOK_MAX_BYTES) ? 1 : 0;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  process.exitCode = await main(process.argv.slice(2));
}
