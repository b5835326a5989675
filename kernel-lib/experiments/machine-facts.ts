/**
 * What this machine offers a study step, found without loading a backend or a model (the dry
 * run must stay quick and side-effect free): total memory, which tfjs backends are installed
 * (wasm ships with the project; tfjs-node and tfjs-node-gpu are optional dependencies whose
 * native binding may be absent), and which ONNX Runtime execution providers this
 * onnxruntime-node can run (engine/ort-providers.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { loadOrt } from '../engine/ort-runtime.ts';
import { ortProviderStatus, type OrtProviderStatus } from '../engine/ort-providers.ts';

const require = createRequire(import.meta.url);

export type TfjsBackendName = 'node-gpu' | 'node' | 'wasm';

export interface MachineFacts {
  readonly totalBytes: number;
  /** tfjs backends whose package (and, for the native ones, binding) is installed. */
  readonly tfjs: ReadonlySet<TfjsBackendName>;
  /** Heap limit of the wasm backend (wasm32 addresses 4 GiB). */
  readonly wasmLimitBytes: number;
  /** ONNX Runtime's providers, or null with the reason when onnxruntime-node does not load. */
  readonly ort: { readonly providers: readonly OrtProviderStatus[] } | { readonly providers: null; readonly reason: string };
}

const PACKAGES: Readonly<Record<TfjsBackendName, string>> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu', node: '@tensorflow/tfjs-node', wasm: '@tensorflow/tfjs-backend-wasm',
};

/** A tfjs-node(-gpu) install keeps its binding at lib/napi-v<N>/tfjs_binding.node. */
function hasNativeBinding(pkgDir: string): boolean {
  const lib = join(pkgDir, 'lib');
  if (!existsSync(lib)) return false;
  return readdirSync(lib).some((d) => d.startsWith('napi-v') && existsSync(join(lib, d, 'tfjs_binding.node')));
}

function installed(name: TfjsBackendName): boolean {
  let dir: string;
  try { dir = dirname(require.resolve(`${PACKAGES[name]}/package.json`)); } catch { return false; }
  return name === 'wasm' || hasNativeBinding(dir);
}

/** This machine's facts. */
export function machineFacts(): MachineFacts {
  const tfjs = new Set((['node-gpu', 'node', 'wasm'] as const).filter(installed));
  const { ort, reason } = loadOrt();
  return {
    totalBytes: totalmem(),
    tfjs,
    wasmLimitBytes: 4 * 1024 ** 3,
    ort: ort ? { providers: ortProviderStatus(ort.backends, ort.binDir) } : { providers: null, reason },
  };
}
