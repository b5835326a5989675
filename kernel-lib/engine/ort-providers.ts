/**
 * ONNX Runtime execution providers: which ones a session asks for, in the order given by
 * `--ort-providers` or LAB_ORT_PROVIDERS (default `cpu`), keeping only those this installed
 * onnxruntime-node can run, and one printed line saying which run and why.
 *
 * What "can run" means, from the package itself (onnxruntime-node 1.30): its native binding's
 * listSupportedBackends() names every provider it was built with, as { name, bundled }. The
 * Linux x64 binding lists cuda and tensorrt with bundled: false: their libraries
 * (libonnxruntime_providers_cuda.so / _tensorrt.so, with libonnxruntime_providers_shared.so)
 * are not in the npm package but downloaded next to the binding by its install script
 * (script/install.js, from the Microsoft.ML.OnnxRuntime.Gpu.Linux NuGet package). So a provider
 * is available when the binding lists it and, if not bundled, its library files are there.
 * That is checked without a GPU; whether the CUDA runtime and cuDNN load is only known when a
 * session opens (ort-sessions.ts then falls back to cpu with one line).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { settings } from '../runtime/settings.ts';
import type { OrtBackendEntry } from './ort-runtime.ts';

/** Provider names onnxruntime-node accepts in `executionProviders` (any platform). */
export const ORT_PROVIDER_NAMES = ['cpu', 'cuda', 'tensorrt', 'webgpu', 'dml', 'coreml', 'qnn'] as const;
export type OrtProviderName = typeof ORT_PROVIDER_NAMES[number];

/** Libraries a separately installed provider needs next to the binding (Linux names). */
const PROVIDER_LIBRARIES: Readonly<Partial<Record<OrtProviderName, readonly string[]>>> = {
  cuda: ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'],
  tensorrt: ['libonnxruntime_providers_tensorrt.so', 'libonnxruntime_providers_shared.so'],
};

/** Whether one provider can run here, and if not, why. */
export interface OrtProviderStatus { readonly name: string; readonly available: boolean; readonly why: string }

/** The providers chosen for sessions and the line that says so. */
export interface OrtProviderChoice { readonly providers: readonly OrtProviderName[]; readonly line: string }

/** Parses `cuda,cpu` (order kept, duplicates dropped); `what` names the flag or variable in errors. */
export function parseOrtProviders(value: string, what: string): OrtProviderName[] {
  const names = value.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  if (names.length === 0) throw new Error(`${what}: '${value}' names no execution provider: expected a list such as cuda,cpu`);
  const out: OrtProviderName[] = [];
  for (const n of names) {
    if (!(ORT_PROVIDER_NAMES as readonly string[]).includes(n)) {
      throw new Error(`${what}: '${n}' is not an ONNX Runtime execution provider: expected a comma-separated list of ${ORT_PROVIDER_NAMES.join(', ')}`);
    }
    if (!out.includes(n as OrtProviderName)) out.push(n as OrtProviderName);
  }
  return out;
}

/**
 * Each provider the binding lists, available when bundled or when its libraries are in `binDir`.
 * `exists` is the file check (tests pass their own).
 */
export function ortProviderStatus(backends: readonly OrtBackendEntry[], binDir: string, exists: (path: string) => boolean = existsSync): OrtProviderStatus[] {
  return backends.map((b) => {
    if (b.bundled) return { name: b.name, available: true, why: 'bundled' };
    const libs = PROVIDER_LIBRARIES[b.name as OrtProviderName] ?? [];
    const missing = libs.filter((f) => !exists(join(binDir, f)));
    if (libs.length > 0 && missing.length === 0) return { name: b.name, available: true, why: `installed (${libs[0]})` };
    return { name: b.name, available: false, why: libs.length ? `${missing.join(', ')} not in ${binDir}` : 'not bundled and no known library for it' };
  });
}

/**
 * The providers to run, from `requested` (null: the default, cpu) in the order asked: a requested
 * provider that is absent is dropped and named in the line; cpu is used when none is left.
 * `source` says where the request came from (`--ort-providers`, `LAB_ORT_PROVIDERS`).
 */
export function selectOrtProviders(requested: readonly OrtProviderName[] | null, status: readonly OrtProviderStatus[], source: string): OrtProviderChoice {
  if (requested === null) return { providers: ['cpu'], line: 'ort providers: cpu (default)' };
  const byName = new Map(status.map((s) => [s.name, s]));
  const kept: OrtProviderName[] = [];
  const absent: string[] = [];
  for (const name of requested) {
    const s = byName.get(name);
    // cpu is always compiled in, even where the binding cannot list its backends.
    if (name === 'cpu' || s?.available) kept.push(name);
    else absent.push(`${name} absent: ${s ? s.why : 'this onnxruntime-node was not built with it'}`);
  }
  const providers = kept.length ? kept : (['cpu'] as OrtProviderName[]);
  const why = absent.length
    ? `${requested.join(',')} requested by ${source}; ${absent.join('; ')}${kept.length ? '' : '; running on cpu'} (docs/engines.md says how to install CUDA support)`
    : `requested by ${source}`;
  return { providers, line: `ort providers: ${providers.join(', ')} (${why})` };
}

/** The request from LAB_ORT_PROVIDERS (which --ort-providers sets), or null when unset. */
export function requestedOrtProviders(): OrtProviderName[] | null {
  const v = settings().ortProviders;
  return v ? parseOrtProviders(v, 'LAB_ORT_PROVIDERS') : null;
}
