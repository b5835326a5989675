/**
 * Backend choice: tfjs-node-gpu -> tfjs-node -> wasm -> cpu.
 *
 * The two native backends are optional dependencies: their install downloads libtensorflow,
 * which fails on machines without that network access, and npm then leaves them out. wasm is
 * the portable fallback (~30 GFLOP/s fp32 on one core here); the pure-JS `cpu` backend is ~30x
 * slower and is only used when forced (`LAB_BACKEND=cpu`) or when nothing else loads, and then
 * says so loudly. wasm runs tfjs's stock single-threaded module unless LAB_WASM_THREADS or the
 * `wasmThreads` option asks for the threaded build's matmul pool (runtime/wasm-threads.ts); training
 * uses more cores through data-parallel replicas instead (train/replicas.ts).
 */
import { settings } from './settings.ts';
import { infoLine } from './info-line.ts';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { installWasmKernels } from './wasm-kernels.ts';
import { withWasmThreads } from './wasm-threads.ts';

const require = createRequire(import.meta.url);

/** What the user may ask for with LAB_BACKEND (or `initBackend({ backend })`). */
export type BackendChoice = 'node-gpu' | 'node' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** The user-facing choice that won. */
  readonly choice: BackendChoice;
  /** tfjs's own backend name (`tensorflow`, `wasm`, `cpu`). */
  readonly tfName: string;
  /** Why this backend: forced, or which better ones failed to load and why. */
  readonly reason: string;
  /** Largest tensor memory the backend can hold, in bytes (wasm32: 4 GiB), or null if unbounded. */
  readonly memoryLimitBytes: number | null;
  /** wasm: the XNNPACK pool's thread count (1 = the stock single-threaded module); null elsewhere. */
  readonly threads: number | null;
}

/** Options of `initBackend`. */
export interface BackendOptions {
  /** Force a backend (else LAB_BACKEND, else the best that loads). */
  readonly backend?: BackendChoice;
  /** wasm threads (else LAB_WASM_THREADS, else 1 = the single-threaded module). */
  readonly wasmThreads?: number;
  /** No backend line on stderr. */
  readonly quiet?: boolean;
}

const ORDER: readonly BackendChoice[] = ['node-gpu', 'node', 'wasm', 'cpu'];
const WASM_HEAP_LIMIT = 4 * 1024 ** 3;

let current: BackendInfo | null = null;
let wasmThreads = 1;
let pending: Promise<BackendInfo> | null = null;

/** The backend chosen by `initBackend`, or null before it ran. */
export function backendInfo(): BackendInfo | null {
  return current;
}

async function tryNative(pkg: string): Promise<void> {
  // Importing the package registers the `tensorflow` backend with the shared tfjs-core.
  await import(pkg);
  if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but its backend did not initialise`);
}

/** The wanted wasm thread count: the option, else LAB_WASM_THREADS, else 1 (the pthread pool is opt-in: under a loaded suite its child processes died at exit; see the closing note). */
function wantedWasmThreads(option: number | undefined): number {
  const env = settings().wasmThreads ?? undefined;
  const n = option ?? (env !== undefined && env !== "" ? Number(env) : 1);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`${option !== undefined ? 'initBackend wasmThreads' : 'LAB_WASM_THREADS'}=${option ?? env} is not a thread count: expected an integer >= 1`);
  }
  return n;
}

async function tryWasm(threads: number): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // The .wasm binaries ship inside the package: point the loader at them so nothing is fetched.
  const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
  wasm.setWasmPaths(dist);
  wasmThreads = await withWasmThreads(wasm, threads, async () => {
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  });
  installWasmKernels();
}

async function tryOne(choice: BackendChoice, threads: number): Promise<void> {
  switch (choice) {
    case 'node-gpu': return tryNative('@tensorflow/tfjs-node-gpu');
    case 'node': return tryNative('@tensorflow/tfjs-node');
    case 'wasm': return tryWasm(threads);
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
  }
}

function parseChoice(value: string): BackendChoice {
  if ((ORDER as readonly string[]).includes(value)) return value as BackendChoice;
  throw new Error(`LAB_BACKEND=${value} is not a backend: expected one of ${ORDER.join(', ')}`);
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0]!.slice(0, 160);
}

/**
 * Chooses and initialises the tfjs backend once per process; later calls return the same info.
 * `backend` (or the LAB_BACKEND environment variable) forces one and fails if it cannot load.
 * Prints one line saying which backend and why, unless `quiet`.
 */
export function initBackend(opts: BackendOptions = {}): Promise<BackendInfo> {
  if (current) return Promise.resolve(current);
  pending ??= (async () => {
    const env = settings().backend;
    const forced = opts.backend ?? (env ? parseChoice(env) : undefined);
    const threads = wantedWasmThreads(opts.wasmThreads);
    let info: BackendInfo;
    if (forced) {
      try { await tryOne(forced, threads); } catch (e) {
        throw new Error(`backend ${forced} was requested (${opts.backend ? 'initBackend option' : 'LAB_BACKEND'}) but could not load: ${firstLine(e)}`);
      }
      info = { choice: forced, tfName: tf.getBackend(), reason: `forced by ${opts.backend ? 'option' : 'LAB_BACKEND'}`, memoryLimitBytes: forced === 'wasm' ? WASM_HEAP_LIMIT : null, threads: forced === 'wasm' ? wasmThreads : null };
    } else {
      const failures: string[] = [];
      let won: BackendChoice | null = null;
      for (const choice of ORDER) {
        try { await tryOne(choice, threads); won = choice; break; } catch (e) { failures.push(`${choice}: ${firstLine(e)}`); }
      }
      if (!won) throw new Error(`no tfjs backend could be initialised:\n  ${failures.join('\n  ')}`);
      const why = failures.length ? `best available (${failures.map((f) => f.split(':')[0] + ' unavailable').join(', ')})` : 'best available';
      info = { choice: won, tfName: tf.getBackend(), reason: why, memoryLimitBytes: won === 'wasm' ? WASM_HEAP_LIMIT : null, threads: won === 'wasm' ? wasmThreads : null };
      if (won === 'cpu') console.warn('[lab] WARNING: falling back to the pure-JS cpu backend, ~30x slower than wasm:\n  ' + failures.join('\n  '));
    }
    current = info;
    if (!opts.quiet && !settings().quiet) infoLine(`[lab] backend: ${info.choice}${info.threads !== null ? `, ${info.threads} thread${info.threads === 1 ? '' : 's'}` : ''} (${info.reason})`);
    return info;
  })();
  return pending;
}
