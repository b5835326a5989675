/** `lab notebooks run [files...]`: execute notebooks headlessly through the tslab kernel. */
import { parseArgs } from 'node:util';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectRoot } from '../runtime/files.ts';

// The runner and its Jupyter client are developer tooling (tools/notebooks/, ZeroMQ is a dev
// dependency): loaded only when a subcommand needs them.
const DEFAULT_TIMEOUT_S = 1800;

/** tools/notebooks/run-notebooks.ts, or a clear message when its dev dependency zeromq is not installed. */
async function loadRunner(): Promise<typeof import('../../tools/notebooks/run-notebooks.ts')> {
  try {
    return await import('../../tools/notebooks/run-notebooks.ts');
  } catch (e) {
    const msg = (e as Error).message;
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && /zeromq/.test(msg)) {
      throw new Error('lab notebooks run: the npm package zeromq (a devDependency) is not installed: run `npm install` (without --omit=dev) in the project, '
        + 'or execute the notebooks with Jupyter instead (`npm run kernel:install`, then nbclient / jupyter nbconvert --execute; docs/notebooks.md)');
    }
    throw e;
  }
}

export const summary = 'notebooks run [files...] [--profile mini|paper] [--quick] [--out-dir DIR] [--timeout S]; notebooks build-lib [--force]';

const help = `usage:
  lab notebooks run [files...] [--profile mini|paper] [--quick] [--out-dir DIR] [--timeout S]
      Executes each .ipynb (default: notebooks/*.ipynb) in its own tslab kernel, cell by cell,
      writes executed copies to --out-dir (default build/notebooks), stops a notebook at its first
      failing cell. Cells see LAB_PROFILE and LAB_QUICK=1. --timeout is per cell (default ${DEFAULT_TIMEOUT_S} s).
      Exit code: 0 all passed, 1 a cell failed, 2 a cell timed out or the kernel died.
  lab notebooks build-lib [--force]
      (Re)builds build/notebook-lib, the module notebooks import kernel-lib through (only if a
      kernel-lib file changed since the last build, unless --force).`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') { console.log(help); return sub ? 0 : 2; }
  if (sub === 'build-lib') {
    const { buildNotebookLib } = await import('../../tools/notebooks/notebook-lib.ts');
    console.log(buildNotebookLib({ force: rest.includes('--force') }));
    return 0;
  }
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
  const timeoutS = values.timeout === undefined ? DEFAULT_TIMEOUT_S : Number(values.timeout);
  if (!(timeoutS > 0)) { console.error(`lab notebooks: --timeout must be a positive number of seconds, got '${values.timeout}'`); return 2; }
  let files = positionals;
  if (files.length === 0) {
    const dir = join(projectRoot, 'notebooks');
    if (!existsSync(dir)) { console.error(`lab notebooks: no files given and no ${dir} folder`); return 2; }
    files = readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => join(dir, f));
  }
  // Ctrl-C / kill: exit through process.exit so the kernel client's exit hook kills running kernels.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { console.error(`lab notebooks: ${sig}, stopping kernels`); process.exit(130); });
  let runner: Awaited<ReturnType<typeof loadRunner>>;
  try { runner = await loadRunner(); } catch (e) { console.error((e as Error).message); return 2; }
  const { runNotebooks } = runner;
  const r = await runNotebooks(files, {
    profile, quick: values.quick, timeoutS,
    ...(values['out-dir'] ? { outDir: resolve(values['out-dir']) } : {}),
  });
  return r.exitCode;
}
