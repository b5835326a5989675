/**
 * InferenceSessions per (model fingerprint, graph kind), built on first use and kept for the
 * few most recent models (a study evaluates one model after another; older sessions are freed).
 * A model whose variables were assigned since (training in place) gets new sessions.
 * Every session uses all cores (runtime/engine-env.ts ortThreads), full graph optimisation and the
 * execution providers of ort-providers.ts (default cpu; the choice is printed once per process).
 * A graph with at least LAB_ORT_EXTERNAL_DATA_BYTES of weights (default 1 GiB; onnxruntime refuses
 * inline models over 2 GB) is written to a temporary model.onnx + model.onnx_data pair, one tensor
 * at a time, and loaded from the file, so JavaScript never holds more than one float32 tensor while
 * onnxruntime builds its copy of the weights; the files are removed once the session is built.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { LanguageModel } from '../model/types.ts';
import { modelFingerprint } from '../model/fingerprint.ts';
import { HostParams, unmaterialized } from '../model/host-params.ts';
import { ortExternalDataBytes, ortThreads } from '../runtime/engine-env.ts';
import { settings } from '../runtime/settings.ts';
import { infoLine } from '../runtime/info-line.ts';
import { loadOrt, type NativeSession, type OrtRuntime } from './ort-runtime.ts';
import { ortProviderStatus, requestedOrtProviders, selectOrtProviders, type OrtProviderName } from './ort-providers.ts';
import type { OnnxGraph } from './onnx-graph.ts';
import { inPhase } from '../runtime/wall-profile.ts';

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

/** Session options passed to onnxruntime (intra-op threads = cores, sequential execution, `providers` in order). */
export function sessionOptions(providers: readonly OrtProviderName[] = ['cpu']): Record<string, unknown> {
  return { intraOpNumThreads: ortThreads(), interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential', executionProviders: [...providers] };
}

const said = new Set<string>();
function sayOnce(line: string): void {
  if (said.has(line)) return;
  said.add(line);
  if (!settings().quiet) infoLine(`[lab] ${line}`);
}

/** Providers per request (LAB_ORT_PROVIDERS value); a provider that failed to open is dropped from then on. */
const chosen = new Map<string, OrtProviderName[]>();

function providersFor(ort: OrtRuntime): OrtProviderName[] {
  const key = settings().ortProviders ?? '';
  let p = chosen.get(key);
  if (!p) {
    const choice = selectOrtProviders(requestedOrtProviders(), ortProviderStatus(ort.backends, ort.binDir), 'LAB_ORT_PROVIDERS / --ort-providers');
    sayOnce(choice.line);
    p = [...choice.providers];
    chosen.set(key, p);
  }
  return p;
}

/** ONNX bytes, or the path of a model file (with its external data beside it). */
type ModelSource = Uint8Array | string;

function load(s: NativeSession, src: ModelSource, options: object): void {
  if (typeof src === 'string') s.loadModel(src, options);
  else s.loadModel(src.buffer as ArrayBuffer, src.byteOffset, src.byteLength, options);
}

/** Loads a model into a new session of the loaded runtime. A provider whose libraries are
 *  present but fail to load (no CUDA runtime or cuDNN) gives one line and a cpu session. */
export function openSession(ort: OrtRuntime, src: ModelSource): NativeSession {
  const providers = providersFor(ort);
  const s = ort.newSession();
  try {
    load(s, src, sessionOptions(providers));
    return s;
  } catch (e) {
    if (providers.length === 1 && providers[0] === 'cpu') throw e;
    const first = String(e instanceof Error ? e.message : e).split('\n')[0]!.slice(0, 200);
    sayOnce(`ort providers: cpu (fallback: a session on ${providers.join(', ')} did not open: ${first})`);
    chosen.set(settings().ortProviders ?? '', ['cpu']);
    const cpu = ort.newSession();
    load(cpu, src, sessionOptions(['cpu']));
    return cpu;
  }
}

/** A session of graph `g`: inline bytes, or external data in a temporary folder above the threshold. */
export function openGraphSession(ort: OrtRuntime, g: OnnxGraph, meta: Record<string, string> = {}): NativeSession {
  if (g.initializerBytes() < ortExternalDataBytes()) return openSession(ort, g.toBytes(meta));
  const dir = mkdtempSync(join(tmpdir(), 'lab-ort-'));
  try {
    const file = join(dir, 'model.onnx');
    g.writeExternal(file, 'model.onnx_data', meta);
    return openSession(ort, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The cached session of `kind` for `model`, built from the graph `build` returns on first use. */
export function modelSession(model: LanguageModel, kind: string, build: () => OnnxGraph): { ort: OrtRuntime; session: NativeSession } {
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
  if (!s) {
    const g = build();
    makeRoom(fp, g.initializerBytes(), model);
    s = inPhase('session build', () => openGraphSession(ort, g, { graph: kind }));
    kinds.set(kind, s);
    sessionBytes.set(s, g.initializerBytes());
  }
  return { ort, session: s };
}

/** Share of the machine's memory the float32 weights of live sessions may take. */
const MEMORY_SHARE = 0.85;
const sessionBytes = new WeakMap<NativeSession, number>();

/** Frees older models' sessions when a new session of `need` weight bytes would not fit beside them;
 *  refuses, before building, a session that cannot fit this machine at all. */
function makeRoom(fp: string, need: number, model: LanguageModel): void {
  const budget = MEMORY_SHARE * totalmem();
  const live = () => [...cache.values()].reduce((n, kinds) => n + [...kinds.values()].reduce((m, x) => m + (sessionBytes.get(x) ?? 0), 0), 0);
  for (const [other, sessions] of cache) {
    if (live() + need <= budget) break;
    if (other === fp) continue;
    for (const x of sessions.values()) x.dispose();
    cache.delete(other);
  }
  if (live() + need > budget) {
    const gib = (b: number) => (b / 2 ** 30).toFixed(2);
    const source = model.params instanceof HostParams ? `${model.params.source}: ` : '';
    throw new Error(`${source}ONNX Runtime needs ${gib(need)} GiB of float32 weights for this ${model.family} graph${live() ? ` beside ${gib(live())} GiB of this model's other sessions` : ''}, `
      + `more than ${Math.round(MEMORY_SHARE * 100)}% of this machine's ${gib(totalmem())} GiB of memory: use a machine with more memory`);
  }
}

/** Frees every cached session (tests, long-running notebooks). */
export function disposeSessions(): void {
  for (const kinds of cache.values()) for (const s of kinds.values()) s.dispose();
  cache.clear();
}
