/**
 * Loads onnxruntime-node once per process, synchronously: its native binding runs a session
 * synchronously (the package's async `run` only defers that call with setImmediate), which keeps
 * the evaluation loop (eval/loglikelihoods.ts) synchronous on both engines.
 * Returns null, with the reason, when the package or its binary cannot load.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ortModuleName } from '../runtime/engine-env.ts';

const require = createRequire(import.meta.url);

/** The parts of onnxruntime-node's binding the engine uses. */
export interface OrtTensor { readonly type: string; readonly dims: readonly number[]; readonly data: ArrayBufferView }
export interface NativeSession {
  loadModel(buffer: ArrayBuffer, offset: number, length: number, options: object): void;
  loadModel(path: string, options: object): void;
  run(feeds: Record<string, OrtTensor>, fetches: Record<string, null>, options: object): Record<string, OrtTensor>;
  dispose(): void;
}
/** An execution provider the binding was built for; `bundled: false` = its library is installed separately. */
export interface OrtBackendEntry { readonly name: string; readonly bundled: boolean }
export interface OrtRuntime {
  readonly version: string;
  /** The binding's listSupportedBackends() (empty when the binding has no such call). */
  readonly backends: readonly OrtBackendEntry[];
  /** The folder of the native binding, where separately installed provider libraries go. */
  readonly binDir: string;
  newSession(): NativeSession;
  tensor(type: 'float32' | 'int64' | 'bool', data: ArrayBufferView, dims: readonly number[]): OrtTensor;
}

let loaded: { ort: OrtRuntime | null; reason: string } | null = null;

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0]!.slice(0, 200);
}

/** onnxruntime-node, or null and why it did not load. */
export function loadOrt(): { ort: OrtRuntime | null; reason: string } {
  if (loaded) return loaded;
  const pkg = ortModuleName();
  try {
    const { binding, initOrt } = require(`${pkg}/dist/binding.js`) as {
      binding: { InferenceSession: new () => NativeSession; listSupportedBackends?: () => OrtBackendEntry[] }; initOrt(): void };
    // The binding builds its output tensors with the Tensor class of onnxruntime-common as
    // resolved from the package itself.
    const common = createRequire(require.resolve(`${pkg}/dist/binding.js`))('onnxruntime-common') as { Tensor: new (t: string, d: ArrayBufferView, dims: readonly number[]) => OrtTensor };
    const version = (require(`${pkg}/package.json`) as { version: string }).version;
    // onnxruntime-node's dist/binding.js loads ../bin/napi-v6/<platform>/<arch>/onnxruntime_binding.node
    const binDir = join(dirname(require.resolve(`${pkg}/package.json`)), 'bin', 'napi-v6', process.platform, process.arch);
    initOrt();
    const backends = binding.listSupportedBackends?.() ?? [];
    loaded = {
      ort: { version, backends, binDir, newSession: () => new binding.InferenceSession(), tensor: (t, d, dims) => new common.Tensor(t, d, dims) },
      reason: `${pkg} ${version}`,
    };
  } catch (e) {
    loaded = { ort: null, reason: `${pkg} did not load: ${firstLine(e)}` };
  }
  return loaded;
}
