/**
 * Backend choice: tfjs-node-gpu -> tfjs-node -> wasm -> cpu.
 *
 * The two native backends are optional dependencies: their install downloads libtensorflow,
 * which fails on machines without that network access, and npm then leaves them out. wasm is
 * the portable fallback (~30 GFLOP/s fp32 on one core here); the pure-JS `cpu` backend is ~30x
 * slower and is only used when forced (`LAB_BACKEND=cpu`) or when nothing else loads, and then
 * says so loudly.
 */
import { settings } from './settings.ts';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { installWasmKernels } from './wasm-kernels.ts';

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
}

const ORDER: readonly BackendChoice[] = ['node-gpu', 'node', 'wasm', 'cpu'];
const WASM_HEAP_LIMIT = 4 * 1024 ** 3;

let current: BackendInfo | null = null;
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

async function tryWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // The .wasm binaries ship inside the package: point the loader at them so nothing is fetched.
  const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
  wasm.setWasmPaths(dist);
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  installWasmKernels();
}

async function tryOne(choice: BackendChoice): Promise<void> {
  switch (choice) {
    case 'node-gpu': return tryNative('@tensorflow/tfjs-node-gpu');
    case 'node': return tryNative('@tensorflow/tfjs-node');
    case 'wasm': return tryWasm();
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
export function initBackend(opts: { backend?: BackendChoice; quiet?: boolean } = {}): Promise<BackendInfo> {
  if (current) return Promise.resolve(current);
  pending ??= (async () => {
    const env = settings().backend;
    const forced = opts.backend ?? (env ? parseChoice(env) : undefined);
    let info: BackendInfo;
    if (forced) {
      try { await tryOne(forced); } catch (e) {
        throw new Error(`backend ${forced} was requested (${opts.backend ? 'initBackend option' : 'LAB_BACKEND'}) but could not load: ${firstLine(e)}`);
      }
      info = { choice: forced, tfName: tf.getBackend(), reason: `forced by ${opts.backend ? 'option' : 'LAB_BACKEND'}`, memoryLimitBytes: forced === 'wasm' ? WASM_HEAP_LIMIT : null };
    } else {
      const failures: string[] = [];
      let won: BackendChoice | null = null;
      for (const choice of ORDER) {
        try { await tryOne(choice); won = choice; break; } catch (e) { failures.push(`${choice}: ${firstLine(e)}`); }
      }
      if (!won) throw new Error(`no tfjs backend could be initialised:\n  ${failures.join('\n  ')}`);
      const why = failures.length ? `best available (${failures.map((f) => f.split(':')[0] + ' unavailable').join(', ')})` : 'best available';
      info = { choice: won, tfName: tf.getBackend(), reason: why, memoryLimitBytes: won === 'wasm' ? WASM_HEAP_LIMIT : null };
      if (won === 'cpu') console.warn('[lab] WARNING: falling back to the pure-JS cpu backend, ~30x slower than wasm:\n  ' + failures.join('\n  '));
    }
    current = info;
    if (!opts.quiet && !settings().quiet) console.error(`[lab] backend: ${info.choice} (${info.reason})`);
    return info;
  })();
  return pending;
}
