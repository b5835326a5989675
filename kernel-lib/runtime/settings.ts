/**
 * Every setting the library takes from the environment, read in this one place and passed down
 * from here (no other library file reads `process.env`). `settings()` parses the environment at
 * the moment it is called, so a caller that sets a variable before it starts a step sees it.
 *
 *   LAB_CACHE_DIR     the library's cache (token caches, eval requests, mini data); ~/.cache/pruning-lab
 *   LAB_RESULTS_DIR   tables, plots, run JSON and step folders; <project>/results
 *   LAB_DATA_DIR      data folder of the paper profile; the folder `lab data download` fills
 *   LAB_REAL_DATA     folder of real benchmark files (tests, `lab eval` default --data-dir)
 *   LAB_BACKEND       force a tfjs backend (node-gpu, node, wasm, cpu)
 *   LAB_QUIET         no progress or step lines
 *   LAB_ENGINE        forward-pass engine, ort | tfjs (engine-env.ts validates it)
 *   LAB_ORT_MODULE    the onnxruntime package to load (default onnxruntime-node)
 *   LAB_ORT_THREADS   ONNX Runtime intra-op threads (default: every core)
 *   LAB_ORT_EXTERNAL_DATA_BYTES  graphs with at least this many weight bytes get their weights from an
 *                     external data file (default 1 GiB; 0 = always, e.g. to test that path on small models)
 *   LAB_ORT_PROVIDERS ONNX Runtime execution providers in order, e.g. cuda,cpu (default cpu; engine/ort-providers.ts)
 *   LAB_WASM_THREADS  tfjs-wasm threads (default 1; 2 = the threaded build, opt-in)
 *   LAB_TRAIN_REPLICAS  data-parallel training replicas on wasm (default 1; 2 = both cores, train/replicas.ts)
 *   LAB_TRAIN_ENGINE    training engine when a run does not name one: ort | tfjs (unset: ort where it can run the job, else tfjs; train/choose-engine.ts)
 *   LAB_SEEDS           training seeds of the study's trained arms (a positive integer; default: the profile's,
 *                     1); `lab reproduce --seeds N` sets it (experiments/study-seeds.ts validates it)
 *   LAB_VERBOSE       also log cached steps
 *   LAB_PROFILE       the study profile notebooks use (mini, paper, quick, paper-quick); mini
 *   LAB_QUICK=1       shrink that profile to its quick form
 *   LAB_CHROMIUM      the headless Chromium used for PNG plots
 *   LAB_OFFLINE / HF_HUB_OFFLINE   no network: hub files resolve from the cache or fail
 *   LAB_REAL_SIZE     shapes of the slow tier (test-slow/) and the realsize-* bench cases: real
 *                     (default: OLMo-1B, TinyLlama-1.1B, GPT-2 XL) or twin (their small twins, a plumbing check)
 *   HF_HOME, HF_HUB_CACHE, HF_ENDPOINT, HF_TOKEN / HUGGING_FACE_HUB_TOKEN   as huggingface_hub reads them
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Settings {
  readonly cacheDir: string;
  readonly resultsDir: string | null;       // null: <project>/results (runtime/files.ts resolves it)
  readonly dataDir: string | null;
  readonly realDataDir: string | null;
  readonly backend: string | null;
  readonly quiet: boolean;
  readonly engine: string | null;
  readonly ortModule: string | null;
  readonly ortThreads: string | null;
  readonly ortExternalDataBytes: string | null;
  readonly ortProviders: string | null;
  readonly wasmThreads: string | null;
  readonly trainReplicas: string | null;
  readonly trainEngine: string | null;
  readonly seeds: string | null;            // raw; experiments/study-seeds.ts validates it
  readonly verbose: boolean;
  readonly profile: string;
  readonly quick: boolean;
  readonly chromium: string | null;
  readonly realSize: string | null;        // null: real (the harness that reads it validates)
  readonly hub: {
    readonly home: string;
    readonly cacheDir: string | null;       // null: <home>/hub
    readonly endpoint: string | null;
    readonly token: string | null;
    readonly offline: boolean;
  };
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const flag = (v: string | undefined): boolean => TRUE.has((v ?? '').toLowerCase());
const str = (v: string | undefined): string | null => (v ? v : null);

/** Parses an environment (default: this process's) into settings. */
export function settings(env: Readonly<Record<string, string | undefined>> = process.env): Settings {
  return {
    cacheDir: env.LAB_CACHE_DIR || join(homedir(), '.cache', 'pruning-lab'),
    resultsDir: str(env.LAB_RESULTS_DIR),
    dataDir: str(env.LAB_DATA_DIR),
    realDataDir: str(env.LAB_REAL_DATA),
    backend: str(env.LAB_BACKEND),
    quiet: Boolean(env.LAB_QUIET),
    engine: str(env.LAB_ENGINE),
    ortModule: str(env.LAB_ORT_MODULE),
    ortThreads: str(env.LAB_ORT_THREADS),
    ortExternalDataBytes: str(env.LAB_ORT_EXTERNAL_DATA_BYTES),
    ortProviders: str(env.LAB_ORT_PROVIDERS),
    wasmThreads: str(env.LAB_WASM_THREADS),
    trainReplicas: str(env.LAB_TRAIN_REPLICAS),
    trainEngine: str(env.LAB_TRAIN_ENGINE),
    seeds: str(env.LAB_SEEDS),
    verbose: Boolean(env.LAB_VERBOSE),
    profile: env.LAB_PROFILE || 'mini',
    quick: env.LAB_QUICK === '1',
    chromium: str(env.LAB_CHROMIUM),
    realSize: str(env.LAB_REAL_SIZE),
    hub: {
      home: env.HF_HOME || join(homedir(), '.cache', 'huggingface'),
      cacheDir: str(env.HF_HUB_CACHE),
      endpoint: str(env.HF_ENDPOINT),
      token: env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN || null,
      offline: flag(env.LAB_OFFLINE) || flag(env.HF_HUB_OFFLINE),
    },
  };
}

/** The environment a child process of ours gets: this process's, with `extra` on top. */
export function childEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string | undefined> {
  return { ...process.env, ...extra };
}

/** Sets one setting for this process (read back by the next settings() call), e.g. a bench's thread count. */
export function setEnv(name: string, value: string): void {
  process.env[name] = value;
}
