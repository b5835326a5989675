/**
 * Multithreaded tfjs-backend-wasm (4.22) under Node: `enableWasmThreads(n)` runs the threaded
 * SIMD build with an XNNPACK pool of `n` threads (docs/wasm-threads.md).
 *
 * Stock tfjs never picks the threaded build in Node (its WASM_HAS_MULTITHREAD_SUPPORT flag is
 * hard-wired false there). Forcing the flag is not enough, for two reasons:
 *  1. The pthread worker script and the main script are handed to Emscripten as Blobs /
 *     `blob:` URLs (`URL.createObjectURL`), which Node's `worker_threads` cannot start. During the
 *     backend's initialisation this shim replaces the global `Blob` by a subclass that remembers its
 *     text and `URL.createObjectURL` by one that writes such a script to a file and returns its
 *     path. The main script is the factory's source as it sits inside tfjs's rollup bundle, so it
 *     refers to the bundle's module aliases (`require$$0/1/3/4`, `commonjsGlobal`): a header
 *     defines them. In the worker, a prelude makes `URL.createObjectURL` return the main script's
 *     path (the worker receives the main script as a cloned Blob and turns it into a URL).
 *  2. The wasm side caps the pool at `emscripten_num_logical_cores() / 2` (it assumes
 *     hyper-threading), which is `os.cpus().length / 2` in Node: 1 thread on a 2-vCPU machine.
 *     While the pool is created, `os.cpus()` reports twice the wanted count.
 * Everything global is restored when initialisation ends. The files go to a fresh folder in the
 * OS temp dir (never into node_modules) and are removed when the process exits. The pool's
 * workers are unref'ed for good (`unrefPool`), so processes still end on their own.
 */
import * as tf from '@tensorflow/tfjs-core';
import os from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The part of the tfjs-backend-wasm module this file uses. */
export interface WasmModuleLike {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

/** The bundle aliases the threaded factory's source refers to (tfjs-backend-wasm 4.22 node bundle). */
const MAIN_HEADER =
  "var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os');\n" +
  'var commonjsGlobal = globalThis;\n';
const FACTORY_MARK = 'var WasmBackendModuleThreadedSimd';

class TextBlob extends Blob {
  readonly labText: string;
  constructor(parts: BlobPart[] = [], options?: BlobPropertyBag) {
    super(parts, options);
    this.labText = parts.map((p) => (typeof p === 'string' ? p : '')).join('');
  }
}

/** Emscripten's pthread bookkeeping on the backend's module (threaded build only). */
interface PThreadLike { readonly unusedWorkers: WorkerLike[]; readonly runningWorkers: WorkerLike[] }
interface WorkerLike { ref(): void; unref(): void }

/**
 * The pool's workers must not keep the process alive: Emscripten unrefs a worker once it has
 * loaded but refs it again when a pthread starts on it, and XNNPACK's pool threads never end.
 * They are made permanently unref'ed, so a process ends when its main thread has nothing left.
 */
function unrefPool(): void {
  const pt = (tf.backend() as unknown as { wasm?: { PThread?: PThreadLike } }).wasm?.PThread;
  if (!pt) return;
  for (const w of [...pt.unusedWorkers, ...pt.runningWorkers]) {
    w.ref = () => {};
    w.unref();
  }
}

let scriptDir: string | null = null;

function ensureScriptDir(): string {
  if (scriptDir) return scriptDir;
  const dir = mkdtempSync(join(os.tmpdir(), 'lab-wasm-threads-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  scriptDir = dir;
  return dir;
}

/**
 * Runs `init` (which must call `tf.setBackend('wasm')`) with the threaded build enabled and a
 * pool of `threads` workers; returns the thread count the backend reports afterwards.
 * `threads` <= 1 leaves tfjs's stock single-threaded module alone.
 */
export async function withWasmThreads(wasm: WasmModuleLike, threads: number, init: () => Promise<void>): Promise<number> {
  if (threads <= 1) { await init(); return 1; }
  const dir = ensureScriptDir();
  const mainPath = join(dir, 'main.cjs'), workerPath = join(dir, 'worker.cjs');
  const origBlob = globalThis.Blob, origCreate = URL.createObjectURL, origRevoke = URL.revokeObjectURL;
  const origCpus = os.cpus;
  const blobShim = class extends TextBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (this.labText.startsWith(FACTORY_MARK)) writeFileSync(mainPath, MAIN_HEADER + this.labText);
    }
  };
  try {
    globalThis.Blob = blobShim as typeof Blob;
    URL.createObjectURL = (obj: Blob) => {
      if (!(obj instanceof TextBlob)) return origCreate(obj);
      const prelude = `;URL.createObjectURL = function () { return ${JSON.stringify(mainPath)}; }; URL.revokeObjectURL = function () {};\n`;
      writeFileSync(workerPath, obj.labText + prelude);
      return workerPath;
    };
    URL.revokeObjectURL = (url: string) => { if (url !== workerPath && url !== mainPath) origRevoke(url); };
    const first = origCpus()[0]!;
    os.cpus = () => Array.from({ length: 2 * threads }, () => first);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(threads);
    await init();
    unrefPool();
    return wasm.getThreadsCount();
  } finally {
    globalThis.Blob = origBlob;
    URL.createObjectURL = origCreate;
    URL.revokeObjectURL = origRevoke;
    os.cpus = origCpus;
  }
}
