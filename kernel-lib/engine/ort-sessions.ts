/**
 * InferenceSessions per (model fingerprint, graph kind), built on first use and kept for the
 * few most recent models (a study evaluates one model after another; older sessions are freed).
 * A model whose variables were assigned since (training in place) gets new sessions.
 * Every session uses all cores (runtime/engine-env.ts ortThreads) and full graph optimisation.
 */
import type { LanguageModel } from '../model/types.ts';
import { modelFingerprint } from '../model/fingerprint.ts';
import { ortThreads } from '../runtime/engine-env.ts';
import { loadOrt, type NativeSession, type OrtRuntime } from './ort-runtime.ts';
import { inPhase } from '../runtime/wall-profile.ts';

const MAX_MODELS = 2;
const cache = new Map<string, Map<string, NativeSession>>();   // fingerprint -> kind -> session
/** The tfjs data ids of each model's variables when its fingerprint was taken: an in-place
 *  update (Variable.assign, as AdamW does) replaces them, and the model is fingerprinted again. */
const seen = new WeakMap<LanguageModel, { fp: string; data: readonly object[] }>();

function dataIds(model: LanguageModel): object[] {
  return [...model.params.values()].map((v) => (v as unknown as { dataId: object }).dataId);
}

function fingerprintOf(model: LanguageModel): string {
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

/** The cached session of `kind` for `model`, built by `build` (ONNX bytes) on first use. */
export function modelSession(model: LanguageModel, kind: string, build: () => Uint8Array): { ort: OrtRuntime; session: NativeSession } {
  const { ort, reason } = loadOrt();
  if (!ort) throw new Error(`onnx engine: ${reason}`);
  const fp = inPhase('fingerprint', () => fingerprintOf(model));
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
  if (!s) { s = inPhase('session build', () => openSession(ort, build())); kinds.set(kind, s); }
  return { ort, session: s };
}

/** Frees every cached session (tests, long-running notebooks). */
export function disposeSessions(): void {
  for (const kinds of cache.values()) for (const s of kinds.values()) s.dispose();
  cache.clear();
}
