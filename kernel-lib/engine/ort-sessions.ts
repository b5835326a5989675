/**
 * InferenceSessions per (model fingerprint, graph kind), built on first use and kept for the
 * few most recent models (a study evaluates one model after another; older sessions are freed).
 * A model whose variables were assigned since (training in place) gets new sessions.
 * Every session uses all cores (runtime/engine-env.ts ortThreads) and full graph optimisation.
 * A graph with at least LAB_ORT_EXTERNAL_DATA_BYTES of weights (default 1 GiB; onnxruntime refuses
 * inline models over 2 GB) is written to a temporary model.onnx + model.onnx_data pair, one tensor
 * at a time, and loaded from the file, which onnxruntime maps into memory instead of copying; the
 * files are removed once the session is built.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LanguageModel } from '../model/types.ts';
import { modelFingerprint } from '../model/fingerprint.ts';
import { unmaterialized } from '../model/host-params.ts';
import { ortExternalDataBytes, ortThreads } from '../runtime/engine-env.ts';
import { loadOrt, type NativeSession, type OrtRuntime } from './ort-runtime.ts';
import type { OnnxGraph } from './onnx-graph.ts';

const MAX_MODELS = 2;
const cache = new Map<string, Map<string, NativeSession>>();   // fingerprint -> kind -> session
/** The tfjs data ids of each model's variables when its fingerprint was taken: an in-place
 *  update (Variable.assign, as AdamW does) replaces them, and the model is fingerprinted again. */
const seen = new WeakMap<LanguageModel, { fp: string; data: readonly object[] }>();

function dataIds(model: LanguageModel): object[] {
  const host = unmaterialized(model.params);
  if (host) return [host];   // stored weights cannot change until they become variables
  return [...model.params.values()].map((v) => (v as unknown as { dataId: object }).dataId);
}

const loadedIds = new WeakMap<object, string>();
let loadedCount = 0;

function fingerprintOf(model: LanguageModel): string {
  // a large model still in its files is keyed by the loaded object: hashing gigabytes to find a
  // session would cost more than building one (equal small models share sessions by content)
  const host = unmaterialized(model.params);
  if (host && host.float32Bytes() >= ortExternalDataBytes()) {
    if (!loadedIds.has(host)) loadedIds.set(host, `loaded#${loadedCount++}`);
    return loadedIds.get(host)!;
  }
  const data = dataIds(model);
  const s = seen.get(model);
  if (s && s.data.length === data.length && s.data.every((d, k) => d === data[k])) return s.fp;
  const fp = modelFingerprint(model, { fresh: s !== undefined });
  seen.set(model, { fp, data });
  return fp;
}

/** Session options passed to onnxruntime (intra-op threads = cores, sequential execution). */
export function sessionOptions(): Record<string, unknown> {
  return { intraOpNumThreads: ortThreads(), interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential', executionProviders: ['cpu'] };
}

/** Loads ONNX bytes into a new session of the loaded runtime. */
export function openSession(ort: OrtRuntime, bytes: Uint8Array): NativeSession {
  const s = ort.newSession();
  s.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, sessionOptions());
  return s;
}

/** A session of graph `g`: inline bytes, or external data in a temporary folder above the threshold. */
export function openGraphSession(ort: OrtRuntime, g: OnnxGraph, meta: Record<string, string> = {}): NativeSession {
  if (g.initializerBytes() < ortExternalDataBytes()) return openSession(ort, g.toBytes(meta));
  const dir = mkdtempSync(join(tmpdir(), 'lab-ort-'));
  try {
    const file = join(dir, 'model.onnx');
    g.writeExternal(file, 'model.onnx_data', meta);
    const s = ort.newSession();
    s.loadModel(file, sessionOptions());
    return s;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The cached session of `kind` for `model`, built from the graph `build` returns on first use. */
export function modelSession(model: LanguageModel, kind: string, build: () => OnnxGraph): { ort: OrtRuntime; session: NativeSession } {
  const { ort, reason } = loadOrt();
  if (!ort) throw new Error(`onnx engine: ${reason}`);
  const fp = fingerprintOf(model);
  let kinds = cache.get(fp);
  if (kinds) { cache.delete(fp); cache.set(fp, kinds); }   // most recent last
  else {
    kinds = new Map();
    cache.set(fp, kinds);
    while (cache.size > MAX_MODELS) {
      const [old, sessions] = cache.entries().next().value!;
      for (const s of sessions.values()) s.dispose();
      cache.delete(old);
    }
  }
  let s = kinds.get(kind);
  if (!s) { s = openGraphSession(ort, build(), { graph: kind }); kinds.set(kind, s); }
  return { ort, session: s };
}

/** Frees every cached session (tests, long-running notebooks). */
export function disposeSessions(): void {
  for (const kinds of cache.values()) for (const s of kinds.values()) s.dispose();
  cache.clear();
}
