/** `lab notebooks run [files...]`: execute notebooks headlessly through the tslab kernel. */
import { parseArgs } from 'node:util';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectRoot } from '../runtime/files.ts';
import { defaults, runNotebooks } from '../notebook/run.ts';
import { buildNotebookLib } from '../notebook/notebook-lib.ts';

export const summary = 'notebooks run [files...] [--profile mini|paper] [--quick] [--out-dir DIR] [--timeout S]; notebooks build-lib [--force]';

const help = `usage:
  lab notebooks run [files...] [--profile mini|paper] [--quick] [--out-dir DIR] [--timeout S]
      Executes each .ipynb (default: notebooks/*.ipynb) in its own tslab kernel, cell by cell,
      writes executed copies to --out-dir (default build/notebooks), stops a notebook at its first
      failing cell. Cells see LAB_PROFILE and LAB_QUICK=1. --timeout is per cell (default ${defaults.timeoutS} s).
      Exit code: 0 all passed, 1 a cell failed, 2 a cell timed out or the kernel died.
  lab notebooks build-lib [--force]
      (Re)builds build/notebook-lib, the module notebooks import kernel-lib through (only if a
      kernel-lib file changed since the last build, unless --force).`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') { console.log(help); return sub ? 0 : 2; }
  if (sub === 'build-lib') { console.log(buildNotebookLib({ force: rest.includes('--force') })); return 0; }
  if (sub !== 'run') { console.error(`lab notebooks: unknown subcommand '${sub}'\n${help}`); return 2; }
  const { values, positionals } = parseArgs({
    args: rest, allowPositionals: true,
    options: {
      profile: { type: 'string', default: 'mini' },
      quick: { type: 'boolean', default: false },
      'out-dir': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) { console.log(help); return 0; }
  const profile = values.profile;
  if (profile !== 'mini' && profile !== 'paper') { console.error(`lab notebooks: --profile must be mini or paper, got '${profile}'`); return 2; }
  const timeoutS = values.timeout === undefined ? defaults.timeoutS : Number(values.timeout);
  if (!(timeoutS > 0)) { console.error(`lab notebooks: --timeout must be a positive number of seconds, got '${values.timeout}'`); return 2; }
  let files = positionals;
  if (files.length === 0) {
    const dir = join(projectRoot, 'notebooks');
    if (!existsSync(dir)) { console.error(`lab notebooks: no files given and no ${dir} folder`); return 2; }
    files = readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => join(dir, f));
  }
  // Ctrl-C / kill: exit through process.exit so the kernel client's exit hook kills running kernels.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { console.error(`lab notebooks: ${sig}, stopping kernels`); process.exit(130); });
  const r = await runNotebooks(files, {
    profile, quick: values.quick, timeoutS,
    ...(values['out-dir'] ? { outDir: resolve(values['out-dir']) } : {}),
  });
  return r.exitCode;
}
