/**
 * evaluate(model, tokenizer, tasks, config): lm-eval's simple_evaluate for 0-shot
 * multiple-choice and rolling tasks. Documents -> requests -> loglikelihoods (cached per request)
 * -> per-document metrics -> task rows -> group rows, returned in lm-eval's results shape with
 * our config and the lm-eval version whose behaviour is reproduced.
 */
import { join } from 'node:path';
import type { LanguageModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import type { EvalResult, MultipleChoiceTask, RollingTask, SampleLog, TaskDef, TaskGroup } from './types.ts';
import { HARNESS_VERSION, LM_EVAL_VERSION } from './types.ts';
import { expandTasks, getGroup } from './tasks/index.ts';
import { buildRequests } from './build-requests.ts';
import { loglikelihoods, loglikelihoodRolling } from './loglikelihoods.ts';
import { openRequestCache, type RequestCache } from './request-cache.ts';
import { scoreMultipleChoice, type MetricItem } from './score-docs.ts';
import { aggregateGroup, aggregateMetric, aggregateRolling, type LeafResult, type ResultRow } from './aggregate.ts';
import { modelFingerprint } from '../model/fingerprint.ts';
import { labCacheDir } from '../runtime/files.ts';
import type { EngineName } from '../runtime/engine-env.ts';
import { inPhase } from '../runtime/wall-profile.ts';

export interface EvalConfig {
  /** Folder with one sub-folder per dataset (layout of the real-data folder (LAB_REAL_DATA)); null = the hub's parquet
   *  files through the hub cache (HF_ENDPOINT, LAB_OFFLINE). */
  readonly dataDir: string | null;
  /** First N documents per task (N < 1: ceil(N * docs), as lm-eval's --limit); null = all. */
  readonly limit: number | null;
  /** Rows per forward pass (lm-eval batch_size). */
  readonly batchSize: number;
  /** Request cache root; default <labCacheDir()>/eval; null disables caching. */
  readonly cacheDir?: string | null;
  /** Milliseconds between request-cache segment writes (an interrupted run loses at most this much work). */
  readonly cacheFlushMs: number;
  /** Bootstrap replicates for the f1 / mcc stderr (lm-eval default 100000; 0 = "N/A"). */
  readonly bootstrapIters: number;
  /** Keep per-document sample logs in the result (`samples`). */
  readonly logSamples: boolean;
  /** Name recorded as config.model (e.g. the path given to `lab eval`). */
  readonly modelName: string;
  /** Silences progress lines. */
  readonly quiet: boolean;
  /** Forward engine: 'ort' (ONNX Runtime) or 'tfjs'; default 'ort' when it loads (engine/select-engine.ts). */
  readonly engine?: EngineName;
  /** false: score each request's whole input (lm-eval's rows) instead of each context once with all
   *  its continuations (eval/shared-context-plan.ts; ONNX Runtime only). Equal up to float rounding. */
  readonly sharedContext?: boolean;
}

export const defaults: EvalConfig = {
  dataDir: null,
  limit: null,
  batchSize: 1,
  cacheFlushMs: 2000,
  bootstrapIters: 100000,
  logSamples: false,
  modelName: 'model',
  quiet: false,
};

function validate(c: EvalConfig): void {
  if (c.dataDir !== null && typeof c.dataDir !== 'string') throw new Error('evaluate: config.dataDir must be a folder path or null (hub)');
  if (c.limit !== null && !(c.limit > 0)) throw new Error(`evaluate: config.limit must be > 0 or null, got ${c.limit}`);
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1) throw new Error(`evaluate: config.batchSize must be a positive integer, got ${c.batchSize}`);
  if (!(c.cacheFlushMs >= 0)) throw new Error(`evaluate: config.cacheFlushMs must be >= 0, got ${c.cacheFlushMs}`);
  if (!Number.isInteger(c.bootstrapIters) || c.bootstrapIters < 0) throw new Error(`evaluate: config.bootstrapIters must be an integer >= 0, got ${c.bootstrapIters}`);
}

function applyLimit<T>(docs: readonly T[], limit: number | null): readonly T[] {
  if (limit === null) return docs;
  const n = limit < 1 ? Math.ceil(limit * docs.length) : Math.floor(limit);
  return docs.slice(0, n);
}

interface TaskOutcome { row: ResultRow; size: number; original: number; samples: SampleLog[] }

function runMultipleChoice(
  model: LanguageModel, tokenizer: Tokenizer, task: MultipleChoiceTask<unknown>, docs: readonly unknown[],
  c: EvalConfig, cache: RequestCache | undefined,
): Omit<TaskOutcome, 'original'> {
  const reqs = buildRequests(task, docs);
  const res = loglikelihoods(model, tokenizer, reqs, { batchSize: c.batchSize, cache, label: task.name, quiet: c.quiet, ...(c.engine ? { engine: c.engine } : {}), ...(c.sharedContext === false ? { sharedContext: false } : {}) });
  const byDoc: number[][] = docs.map(() => []);
  reqs.forEach((r, i) => { byDoc[r.docId]![r.index] = i; });
  const items: Record<string, MetricItem[]> = Object.fromEntries(task.metrics.map((m) => [m, []]));
  const samples: SampleLog[] = [];
  docs.forEach((doc, d) => {
    const idx = byDoc[d]!;
    const choices = task.docToChoice(doc);
    const gold = task.docToTarget(doc);
    const lls = idx.map((i) => res[i]!.loglikelihood);
    const scored = scoreMultipleChoice(task.metrics, choices, gold, lls);
    for (const m of task.metrics) items[m]!.push(scored[m]!);
    if (c.logSamples) {
      samples.push({
        doc_id: d, doc, target: gold,
        arguments: idx.map((i) => [reqs[i]!.context, reqs[i]!.continuation]),
        resps: idx.map((i) => [[res[i]!.loglikelihood, res[i]!.isGreedy]]),
        filtered_resps: idx.map((i) => [res[i]!.loglikelihood, res[i]!.isGreedy]),
        ...scored,
      });
    }
  });
  const row: ResultRow = { alias: task.alias ?? task.name };
  for (const m of task.metrics) {
    const { value, stderr } = inPhase('statistics', () => aggregateMetric(m, items[m]!, c.bootstrapIters));
    row[`${m},none`] = value;
    row[`${m}_stderr,none`] = stderr;
  }
  return { row, size: docs.length, samples };
}

function runRolling(
  model: LanguageModel, tokenizer: Tokenizer, task: RollingTask<unknown>, docs: readonly unknown[],
  c: EvalConfig, cache: RequestCache | undefined,
): Omit<TaskOutcome, 'original'> {
  const texts = docs.map((d) => task.docToTarget(d));
  const lls = loglikelihoodRolling(model, tokenizer, texts, { batchSize: c.batchSize, cache, label: task.name, quiet: c.quiet, ...(c.engine ? { engine: c.engine } : {}), ...(c.sharedContext === false ? { sharedContext: false } : {}) });
  const per = docs.map((d, i) => task.processResults(d, lls[i]!.loglikelihood));
  const row: ResultRow = { alias: task.alias ?? task.name };
  for (const m of task.metrics) {
    row[`${m},none`] = aggregateRolling(m, per.map((p) => p[m]));
    row[`${m}_stderr,none`] = 'N/A';
  }
  const samples: SampleLog[] = c.logSamples ? docs.map((doc, d) => ({
    doc_id: d, doc, target: texts[d]!, arguments: [[texts[d]!]],
    resps: [[lls[d]!.loglikelihood]], filtered_resps: [lls[d]!.loglikelihood], ...per[d]!,
  })) : [];
  return { row, size: docs.length, samples };
}

/** A task version as lm-eval writes it: a number (YAML `version: 1.0` -> 1.0, `2` -> 2); our own non-numeric versions stay strings. */
function versionValue(v: string): number | string {
  return /^\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}

function leafNames(g: TaskGroup): string[] {
  return g.members.flatMap((m) => { const sub = getGroup(m); return sub ? leafNames(sub) : [m]; });
}

/** Evaluates `tasks` (task or group names, e.g. ['piqa', 'mmlu', 'glue']). */
export async function evaluate(
  model: LanguageModel, tokenizer: Tokenizer, tasks: readonly string[], config: Partial<EvalConfig> = {},
): Promise<EvalResult> {
  const c: EvalConfig = { ...defaults, ...config };
  validate(c);
  const date = Date.now() / 1000;                 // lm-eval's `date`: time.time() at the start (Unix seconds)
  const startTime = performance.now() / 1000;     // lm-eval's start_time / end_time: a monotonic clock (seconds, arbitrary origin)
  const { tasks: leaves, groups } = expandTasks(tasks);
  const fingerprint = inPhase('fingerprint', () => modelFingerprint(model));
  const cacheRoot = c.cacheDir === null ? null : c.cacheDir ?? join(labCacheDir(), 'eval');
  const outcomes = new Map<string, TaskOutcome>();
  for (const task of leaves as TaskDef<unknown>[]) {
    const all = await inPhase('load', () => (c.dataDir ? task.data.load(c.dataDir) : task.data.loadHub()));
    const docs = applyLimit(all, c.limit);
    const cache = cacheRoot === null ? undefined
      : openRequestCache(cacheRoot, fingerprint, `${task.name}@${task.version}-h${HARNESS_VERSION}`, c.cacheFlushMs);
    const o = task.outputType === 'multiple_choice'
      ? runMultipleChoice(model, tokenizer, task, docs, c, cache)
      : runRolling(model, tokenizer, task, docs, c, cache);
    outcomes.set(task.name, { ...o, original: all.length });
  }
  const results: Record<string, ResultRow> = {};
  const groupRows: Record<string, ResultRow> = {};
  const groupSubtasks: Record<string, string[]> = {};
  const versions: Record<string, number | string> = {};
  const higher: Record<string, Record<string, boolean>> = {};
  for (const g of groups) {
    const ls = new Map<string, LeafResult>();
    for (const n of leafNames(g)) ls.set(n, outcomes.get(n)!);
    // lm-eval's result rows hold metrics only: the GLUE mean's list of components stays out of them.
    const { 'components,none': _components, ...row } = aggregateGroup(g, ls);
    results[g.name] = row;
    groupRows[g.name] = row;
    groupSubtasks[g.name] = [...g.members];
    versions[g.name] = versionValue(g.version);
    higher[g.name] = g.aggregate === 'glue-mean' ? { score: true } : { acc: true };
  }
  for (const task of leaves) {
    results[task.name] = outcomes.get(task.name)!.row;
    versions[task.name] = versionValue(task.version);
    higher[task.name] = Object.fromEntries(task.metrics.map((m) => [m, !m.includes('perplexity') && m !== 'bits_per_byte']));
  }
  const endTime = performance.now() / 1000;
  return {
    results,
    groups: groupRows,
    group_subtasks: groupSubtasks,
    versions,
    'n-shot': Object.fromEntries([...leaves.map((t) => t.name), ...groups.map((g) => g.name)].map((n) => [n, 0])),
    higher_is_better: higher,
    'n-samples': Object.fromEntries(leaves.map((t) => [t.name, { original: outcomes.get(t.name)!.original, effective: outcomes.get(t.name)!.size }])),
    config: {
      model: c.modelName,
      model_family: model.family,
      model_fingerprint: fingerprint,
      tokenizer: tokenizer.source,
      tokenizer_fingerprint: tokenizer.fingerprint,
      max_length: model.config.maxPositions,
      batch_size: c.batchSize,
      limit: c.limit,
      bootstrap_iters: c.bootstrapIters,
      num_fewshot: 0,
      data_dir: c.dataDir ?? 'hub',
      tasks: [...tasks],
      lm_eval_version: LM_EVAL_VERSION,
      harness: 'pruning-lab',
      harness_version: HARNESS_VERSION,
      add_bos_token: false,
    },
    date,
    start_time: startTime,
    end_time: endTime,
    total_evaluation_time_seconds: String(endTime - startTime),   // a string, as lm-eval writes it
    ...(c.logSamples ? { samples: Object.fromEntries([...outcomes].map(([n, o]) => [n, o.samples])) } : {}),
  };
}
