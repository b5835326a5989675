/**
 * `lab reproduce --profile paper --dry-run`: checks, without downloading or computing anything,
 * what each step of a profile needs against this machine: the engine or tfjs backend, the memory
 * (experiments/step-memory.ts) against the machine's total memory and the backend's heap limit,
 * and which of its downloads are already in the hub cache. Each step gets a verdict: "runs here"
 * or what it needs. Model sizes come from the models' shapes (float32 weights, what the official
 * files store); dataset sizes are shown by the download itself.
 */
import type { Profile, RecoveryPlan } from './profiles.ts';
import { getDataSource } from '../data/data-sources.ts';
import { hubSettings } from '../hub/hub-settings.ts';
import { seedCount } from './study-seeds.ts';
import { studyTrainEngine, type StudyTrainEngine } from './study-train-engine.ts';
import { forwardBytes, trainingBytes, type ModelShape, type StepBytes } from './step-memory.ts';
import { machineFacts, type MachineFacts } from './machine-facts.ts';
import { isHubFileCached, isModelCached } from './hub-cached.ts';

export interface PlannedDownload {
  readonly what: string;
  readonly repo: string;
  readonly files: string;
  readonly size: string;
  readonly cached: string;
}

/** One step of the plan, checked against this machine. */
export interface StepCheck {
  readonly step: string;
  readonly needs: string;        // engine / backend
  readonly memory: string;       // needed vs available
  readonly cached: string;       // inputs already in the hub cache
  readonly verdict: string;      // "runs here" or what is missing
  readonly runsHere: boolean;
}

/** Shapes of the hub models the paper profile uses (their config.json; parameters with tied embeddings once). */
const MODEL_SHAPES: Readonly<Record<string, ModelShape>> = {
  gpt2: { family: 'gpt2', params: 124_439_808, layers: 12, hidden: 768, mlp: 3072, heads: 12, vocab: 50257, maxPositions: 1024 },
  'allenai/OLMo-1B-hf': { family: 'olmo', params: 1_176_764_416, layers: 16, hidden: 2048, mlp: 8192, heads: 16, vocab: 50304, maxPositions: 2048 },
};

const FINETUNE_SOURCES = ['siqa', 'piqa', 'openbookqa', 'hotpotqa', 'billsum'];

function gb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(0)} MB`;
}

/** A recovery plan's budget in words: epochs after each pruning step, or tokens for the whole schedule. */
function recoveryBudget(r: RecoveryPlan): string {
  return r.epochsPerIteration !== null ? `${r.epochsPerIteration} epoch(s) per iteration` : `${r.tokens} tokens in all`;
}

function isHubId(id: string): boolean {
  return !(id.startsWith('.') || id.startsWith('/') || id === 'mini' || id.startsWith('mini-'));
}

/** "siqa 2/2" per data source: cached files of its hub list. */
function sourceCache(names: readonly string[], cacheDir: string): string {
  return names.map((n) => {
    const s = getDataSource(n);
    const hit = s.hub.filter((f) => isHubFileCached(cacheDir, f.repo, 'dataset', f.revision, f.path)).length;
    return `${n} ${hit}/${s.hub.length}`;
  }).join(', ');
}

function modelCache(id: string, cacheDir: string): string {
  if (!isHubId(id)) return `${id} (in the project)`;
  return `${id} ${isModelCached(cacheDir, id) ? 'cached' : 'not cached'}`;
}

/** Forward-only step: ONNX Runtime when it loads (native memory), else tfjs. */
function checkForward(m: MachineFacts, need: StepBytes | null): Pick<StepCheck, 'needs' | 'memory' | 'verdict' | 'runsHere'> {
  const ortOk = m.ort.providers !== null;
  const gpu = m.ort.providers?.some((p) => p.name === 'cuda' && p.available) ?? false;
  const needs = ortOk ? `ort (onnxruntime-node${gpu ? '; cuda provider installed' : ', cpu'})` : 'ort or tfjs (onnxruntime-node does not load here)';
  if (!need) return { needs, memory: 'unknown (model shape not known here)', verdict: 'runs here (mini models: < 2 GiB)', runsHere: true };
  const memory = `${gb(need.total)} (weights ${gb(need.weights)}) of ${gb(m.totalBytes)}`;
  if (need.total > m.totalBytes) return { needs, memory, verdict: `needs ${gb(need.total)} of memory`, runsHere: false };
  if (!ortOk && need.total > m.wasmLimitBytes && !m.tfjs.has('node') && !m.tfjs.has('node-gpu')) {
    return { needs, memory, verdict: `needs onnxruntime-node or tfjs-node (${gb(need.total)} is above wasm's 4 GiB heap)`, runsHere: false };
  }
  return { needs, memory, verdict: 'runs here', runsHere: true };
}

/** A training step's memory need against the machine's. */
function trainingMemory(m: MachineFacts, need: StepBytes): string {
  return `${gb(need.total)} (weights+grads+AdamW ${gb(need.weights + need.gradients + need.optimizer)}, activations ${gb(need.activations)}) of ${gb(m.totalBytes)}`;
}

/** Training step on ONNX Runtime (needs onnxruntime-node and the memory), or on tfjs: wasm up to its
 *  heap limit, else a native backend with enough memory. */
function checkTraining(m: MachineFacts, need: StepBytes | null, engine: StudyTrainEngine): Pick<StepCheck, 'needs' | 'memory' | 'verdict' | 'runsHere'> {
  if (engine === 'ort') {
    const needs = 'ort training graphs (onnxruntime-node, cpu; AdamW on the host)';
    const missing = [
      ...(m.ort.providers === null ? ['onnxruntime-node (or --train-engine tfjs)'] : []),
      ...(need && need.total > m.totalBytes ? [`${gb(need.total)} of memory`] : []),
    ];
    const memory = need ? trainingMemory(m, need) : 'unknown (model shape not known here)';
    if (missing.length) return { needs, memory, verdict: `needs ${missing.join(' and ')}`, runsHere: false };
    return { needs, memory, verdict: need ? 'runs here' : 'runs here (mini models: < 2 GiB)', runsHere: true };
  }
  const native = m.tfjs.has('node-gpu') ? 'tfjs-node-gpu' : m.tfjs.has('node') ? 'tfjs-node' : null;
  if (!need) return { needs: 'tfjs (wasm is enough)', memory: 'unknown (model shape not known here)', verdict: 'runs here (mini models: < 2 GiB)', runsHere: true };
  const fitsWasm = need.total <= m.wasmLimitBytes;
  const needs = fitsWasm ? 'tfjs (wasm is enough)' : 'tfjs-node or tfjs-node-gpu (above wasm\'s 4 GiB heap)';
  const memory = trainingMemory(m, need);
  const missing: string[] = [];
  if (!fitsWasm && !native) missing.push('tfjs-node');
  if (need.total > m.totalBytes) missing.push(`${gb(need.total)} of memory`);
  if (missing.length) return { needs, memory, verdict: `needs ${missing.join(' and ')}`, runsHere: false };
  return { needs, memory, verdict: `runs here${fitsWasm ? '' : ` on ${native}`}`, runsHere: true };
}

export interface DryRunOptions {
  /** This machine's facts (default: measured now); tests pass their own. */
  readonly machine?: MachineFacts;
  /** Hub cache folder (default: hubSettings().cacheDir). */
  readonly hubCacheDir?: string;
}

export async function dryRun(profile: Profile, opts: DryRunOptions = {}): Promise<{ downloads: PlannedDownload[]; steps: StepCheck[]; machine: MachineFacts; needs: Profile['needs'] }> {
  const machine = opts.machine ?? machineFacts();
  const cacheDir = opts.hubCacheDir ?? hubSettings().cacheDir;
  const downloads: PlannedDownload[] = [];
  for (const role of ['gpt2', 'olmo'] as const) {
    const id = profile.models[role].id;
    if (!isHubId(id)) continue;
    const shape = MODEL_SHAPES[id];
    downloads.push({ what: `model ${profile.models[role].label}`, repo: id, files: 'config.json, *.safetensors, tokenizer files',
      size: shape ? `approx ${gb(4 * shape.params)} (float32 weights)` : 'unknown', cached: isModelCached(cacheDir, id) ? 'yes' : 'no' });
  }
  const recovery = [profile.gpt2Prune.recovery.corpus, profile.olmoPrune.recovery.corpus].flatMap((c) => (c.kind === 'source' ? [c.source] : []));
  const hubData = profile.data.kind === 'folder';
  for (const name of hubData ? [...new Set([...FINETUNE_SOURCES, ...recovery])] : []) {
    const s = getDataSource(name);
    const repos = [...new Set(s.hub.map((f) => f.repo))].join(', ');
    downloads.push({ what: `data ${name} (${s.kind === 'lm' ? 'recovery corpus' : 'fine-tuning'})`, repo: repos,
      files: `${s.hub.length} parquet file(s): ${s.hub.slice(0, 3).map((f) => f.path).join(', ')}${s.hub.length > 3 ? ', ...' : ''}`,
      size: 'shown by the download (hub listing)', cached: sourceCache([name], cacheDir).replace(`${name} `, '') + ' files' });
  }
  if (hubData) for (const t of profile.eval.tasks) downloads.push({ what: `evaluation task ${t}`, repo: `lab data download ${t}`, files: 'the split lm-eval evaluates', size: 'shown by the download (hub listing)', cached: 'not checked' });

  const steps: StepCheck[] = [];
  const engine = studyTrainEngine(profile);
  const n = seedCount(profile);
  // Every trained step runs once per training seed (experiments/study-seeds.ts); seed 0 is the single-seed study's.
  const times = n === 1 ? '' : ` (x ${n} training seeds 0-${n - 1}, one run each)`;
  const mt = profile.multitask;
  const mtB = mt.train?.batchSize ?? 8, mtT = mt.blockSize ?? 1024;
  const add = (step: string, cached: string, check: Pick<StepCheck, 'needs' | 'memory' | 'verdict' | 'runsHere'>) => steps.push({ step, cached, ...check });
  for (const role of ['gpt2', 'olmo'] as const) {
    const { id, label } = profile.models[role];
    const shape = MODEL_SHAPES[id] ?? null;
    const evalNeed = shape && forwardBytes(shape, profile.eval.batchSize, shape.maxPositions);
    add(`evaluate ${label} (baseline, fine-tuned${n === 1 ? '' : ` x ${n}`}, pruned${n === 1 ? '' : ` x ${n}`}) on ${profile.eval.tasks.join(', ')}: batch ${profile.eval.batchSize} x up to ${shape ? shape.maxPositions : 'the model\'s'} tokens`,
      modelCache(id, cacheDir), checkForward(machine, evalNeed));
    add(`multi-task fine-tuning of ${label}: micro-batch ${mtB} x ${mtT} tokens${times}`,
      [modelCache(id, cacheDir), ...(hubData ? [sourceCache(FINETUNE_SOURCES, cacheDir)] : [])].join('; '), checkTraining(machine, shape && trainingBytes(shape, mtB, mtT), engine));
    const plan = role === 'gpt2' ? profile.gpt2Prune : profile.olmoPrune;
    const r = plan.recovery;
    const corpus = r.corpus.kind === 'source' ? r.corpus.source : 'mini corpora';
    const budgets = role === 'gpt2'
      ? `one-shot ${recoveryBudget(r)}; iterative ${recoveryBudget(profile.gpt2Prune.iterativeRecovery.equal)} (equal budget) and ${recoveryBudget(profile.gpt2Prune.iterativeRecovery['write-up'])} (write-up's); dense control: one-shot's recovery on the unpruned model`
      : recoveryBudget(r);
    add(`${label} pruning of ${plan.prune.groups?.join('+')} to ${plan.prune.target} (${plan.prune.criterion}), recovery on ${corpus}: ${budgets}; micro-batch ${r.batchSize} x ${r.blockSize} tokens${times}`,
      [modelCache(id, cacheDir), ...(r.corpus.kind === 'source' ? [sourceCache([r.corpus.source], cacheDir)] : [])].join('; '),
      checkTraining(machine, shape && trainingBytes(shape, r.batchSize, r.blockSize), engine));
  }
  add('Tables 1-3, the perplexity table and the plots', 'the steps above (results/steps)', { needs: 'none (reads the cached steps)', memory: 'small', verdict: 'runs here', runsHere: true });
  return { downloads, steps, machine, needs: profile.needs };
}
