/** `lab notebooks run [files...]`: execute notebooks headlessly through the tslab kernel. */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectRoot } from '../runtime/files.ts';
import { choiceArg, didYouMean, helpText, numberArg, outDirArg, parseCommand, UsageError, type CommandSpec } from './args.ts';

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

export const spec = {
  name: 'lab notebooks run',
  usage: '[files...] [--profile mini|paper] [--quick] [--out-dir DIR] [--timeout S]',
  positionals: { min: 0, max: Infinity, names: ['FILE'] },
  flags: {
    profile: { type: 'string', value: 'mini|paper', default: 'mini', help: 'LAB_PROFILE the cells see' },
    quick: { type: 'boolean', help: 'LAB_QUICK=1 for the cells' },
    'out-dir': { type: 'string', value: 'DIR', help: 'where the executed copies go (default build/notebooks)' },
    timeout: { type: 'string', value: 'S', help: `seconds per cell (default ${DEFAULT_TIMEOUT_S})` },
  },
} as const satisfies CommandSpec;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') { console.log(help); return sub ? 0 : 2; }
  if (sub === 'build-lib') {
    const { buildNotebookLib } = await import('../../tools/notebooks/notebook-lib.ts');
    console.log(buildNotebookLib({ force: rest.includes('--force') }));
    return 0;
  }
  if (sub !== 'run') throw new UsageError(`unknown subcommand '${sub}'${didYouMean(sub, ['run', 'build-lib'])}\n${help}`);
  const parsed = parseCommand(spec, rest);
  if (!parsed) { console.log(`${helpText(spec)}\n\n${help}`); return 0; }
  const { values, positionals } = parsed;
  const profile = choiceArg(values.profile, 'profile', ['mini', 'paper'] as const)!;
  const timeoutS = numberArg(values.timeout, 'timeout', { min: 0, exclusiveMin: true, what: 'seconds per cell' }) ?? DEFAULT_TIMEOUT_S;
  if (values['out-dir'] !== undefined) outDirArg(values['out-dir'], 'out-dir');
  for (const f of positionals) if (!existsSync(f)) throw new UsageError(`${f}: no such notebook file`);
  let files = positionals;
  if (files.length === 0) {
    const dir = join(projectRoot, 'notebooks');
    if (!existsSync(dir)) { console.error(`lab notebooks: no files given and no notebooks/ folder in the project`); return 2; }
    files = readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => join(dir, f));
  }
  // Ctrl-C / kill: exit through process.exit so the kernel client's exit hook kills running kernels.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { console.error(`lab notebooks: ${sig}, stopping kernels`); process.exit(130); });
  let runner: Awaited<ReturnType<typeof loadRunner>>;
  try { runner = await loadRunner(); } catch (e) { console.error((e as Error).message); return 2; }
  const r = await runner.runNotebooks(files, {
    profile, quick: values.quick, timeoutS,
    ...(values['out-dir'] ? { outDir: resolve(values['out-dir']) } : {}),
  });
  return r.exitCode;
}
