/**
 * Headless notebook runner: executes .ipynb files cell by cell through the real tslab kernel
 * (kernel-client.ts), writes an executed copy with outputs and execution counts (also when a
 * cell fails), and stops a notebook at its first failing cell with that cell's error text.
 * tslab reports errors only as stderr text plus execute_reply status 'error'; after an error it
 * answers 'abort' for 200 ms; asynchronous errors show as `UncaughtException:` in whichever cell
 * is running. All three are handled here (each is checked in test/notebook/run.test.ts).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { projectRoot, writeFileAtomic } from '../../kernel-lib/runtime/files.ts';
import { KernelClient, KernelFailure, type CellResult, type NotebookOutput } from './kernel-client.ts';
import { buildNotebookLib } from './notebook-lib.ts';

export interface RunNotebooksOptions {
  readonly profile: 'mini' | 'paper';   // passed to cells as LAB_PROFILE
  readonly quick: boolean;              // passed as LAB_QUICK=1 (shorter runs)
  readonly seeds?: number;              // passed as LAB_SEEDS (training seeds; absent: the kernel inherits this process's)
  readonly outDir: string;              // executed copies go here (same file name)
  readonly timeoutS: number;            // per-cell timeout in seconds
  readonly log: (line: string) => void; // progress and failure text
}

export const defaults: RunNotebooksOptions = {
  profile: 'mini',
  quick: false,
  outDir: join(projectRoot, 'build', 'notebooks'),
  timeoutS: 1800,
  log: (line) => console.log(line),
};

/** Outcome of one notebook: 'ok', 'failed' (a cell errored) or 'crashed' (timeout or dead kernel). */
export interface NotebookResult {
  readonly file: string;
  readonly status: 'ok' | 'failed' | 'crashed';
  readonly executed: string;            // path of the executed copy ('' if the notebook could not be read)
  readonly failedCell?: number;         // 0-based index among all cells
  readonly error?: string;              // the failing cell's error text
  readonly seconds: number;
}

export interface RunNotebooksResult {
  readonly passed: number;
  readonly failed: number;
  readonly notebooks: NotebookResult[];
  readonly exitCode: 0 | 1 | 2;         // 0 all ok, 1 a cell failed, 2 timeout or dead kernel
}

interface Cell { cell_type: string; source: string | string[]; metadata?: { tags?: string[] }; outputs?: NotebookOutput[]; execution_count?: number | null }
interface Notebook { cells: Cell[]; metadata: Record<string, unknown>; nbformat: number; nbformat_minor: number }

const ASYNC_ERROR = /^(UncaughtException|UnhandledPromiseRejection):/m;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function readNotebook(file: string): Notebook {
  let nb: Notebook;
  try { nb = JSON.parse(readFileSync(file, 'utf8')) as Notebook; } catch (e) {
    throw new Error(`${file}: not a readable .ipynb JSON file (${(e as Error).message})`);
  }
  if (!Array.isArray(nb.cells) || nb.nbformat !== 4) throw new Error(`${file}: expected nbformat 4 with a cells array`);
  return nb;
}

const sourceOf = (c: Cell) => (Array.isArray(c.source) ? c.source.join('') : c.source);

/** Stack frames of tslab / node:vm internals, dropped from reported error text (kept in the notebook). */
const INTERNAL_FRAME = /^\s+at .*(node_modules\/tslab\/|\(node:vm:|sigintHandlersWrap|node:internal\/).*$\n?/gm;

/**
 * The error text of a finished cell, or null if it passed: tslab's execute_reply status 'error'
 * (the text is the cell's stderr), an asynchronous `UncaughtException:` / `UnhandledPromiseRejection:`
 * line in its stderr, or an `error` output (other kernels).
 */
export function cellError(r: CellResult): string | null {
  const text = r.outputs.map((o) => o.output_type === 'stream' && o.name === 'stderr' ? o.text
    : o.output_type === 'error' ? `${o.ename}: ${o.evalue}\n${o.traceback.join('\n')}\n` : '').join('');
  const failed = r.status !== 'ok' || ASYNC_ERROR.test(text) || r.outputs.some((o) => o.output_type === 'error');
  if (!failed) return null;
  return text.replace(INTERNAL_FRAME, '').trim() || `execute_reply status '${r.status}' with no error text`;
}

async function runOne(file: string, o: RunNotebooksOptions): Promise<NotebookResult> {
  const t0 = Date.now();
  const nb = readNotebook(file);
  const executed = join(o.outDir, basename(file));
  const seconds = () => (Date.now() - t0) / 1000;
  const save = () => writeFileAtomic(executed, JSON.stringify(nb, null, 1) + '\n');
  let kernel: KernelClient | undefined;
  try {
    kernel = await KernelClient.start({ cwd: dirname(file), env: { LAB_PROFILE: o.profile, ...(o.quick ? { LAB_QUICK: '1' } : {}), ...(o.seeds !== undefined ? { LAB_SEEDS: String(o.seeds) } : {}) } });
    for (const [i, cell] of nb.cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      const code = sourceOf(cell);
      const c0 = Date.now();
      let r = await kernel.execute(code, o.timeoutS * 1000);
      if (r.status === 'abort') { await sleep(300); r = await kernel.execute(code, o.timeoutS * 1000); }
      cell.outputs = r.outputs;
      cell.execution_count = r.executionCount;
      const allowed = cell.metadata?.tags?.includes('raises-exception') ?? false;
      const error = cellError(r);
      const dt = (Date.now() - c0) / 1000;
      if (dt >= 5) o.log(`  ${basename(file)} cell ${i}: ${error === null ? 'ok' : 'error'} in ${dt.toFixed(1)} s`);
      if (error !== null && allowed) { await sleep(300); continue; }
      if (error !== null) {
        save();
        return { file, status: 'failed', executed, failedCell: i, error, seconds: seconds() };
      }
    }
    save();
    return { file, status: 'ok', executed, seconds: seconds() };
  } catch (e) {
    if (!(e instanceof KernelFailure)) throw e;
    save();
    return { file, status: 'crashed', executed, error: e.message, seconds: seconds() };
  } finally {
    await kernel?.shutdown();
  }
}

/** Runs each notebook in its own kernel (cwd = the notebook's folder); prints `notebooks: N passed, M failed`. */
export async function runNotebooks(files: readonly string[], options: Partial<RunNotebooksOptions> = {}): Promise<RunNotebooksResult> {
  const o: RunNotebooksOptions = { ...defaults, ...options };
  if (o.profile !== 'mini' && o.profile !== 'paper') throw new Error(`runNotebooks: profile must be 'mini' or 'paper', got '${o.profile}'`);
  if (!(o.timeoutS > 0)) throw new Error(`runNotebooks: timeoutS must be > 0, got ${o.timeoutS}`);
  buildNotebookLib();
  const results: NotebookResult[] = [];
  for (const f of files) {
    const file = resolve(f);
    let r: NotebookResult;
    try { r = await runOne(file, o); } catch (e) {   // unreadable notebook, kernel that cannot start, ...
      r = { file, status: 'failed', executed: '', error: (e as Error).message, seconds: 0 };
    }
    results.push(r);
    if (r.status === 'ok') o.log(`${f}: ok (${r.seconds.toFixed(1)} s) -> ${r.executed}`);
    else {
      const cell = r.failedCell === undefined ? '' : ` at cell ${r.failedCell}`;
      o.log(`${f}: ${r.status.toUpperCase()}${cell} (${r.seconds.toFixed(1)} s)${r.executed ? ' -> ' + r.executed : ''}\n${r.error ?? ''}`);
    }
  }
  const passed = results.filter((r) => r.status === 'ok').length;
  const failed = results.length - passed;
  o.log(`notebooks: ${passed} passed, ${failed} failed`);
  const exitCode = results.some((r) => r.status === 'crashed') ? 2 : failed > 0 ? 1 : 0;
  return { passed, failed, notebooks: results, exitCode };
}
