/**
 * Evaluation data types: a task is data like an lm-eval YAML; requests are plain
 * strings; the model's answers are numbers; scoring turns them into per-document metric items
 * that aggregation reduces to the table value. Metric names are lm-eval's.
 */

/** The version of LM Evaluation Harness whose behaviour this harness reproduces. */
export const LM_EVAL_VERSION = '0.4.9.1';
/** Our harness version: bump when a change would change any number (it is in every cache key). */
export const HARNESS_VERSION = '1';

export type MultipleChoiceMetric = 'acc' | 'acc_norm' | 'mcc' | 'f1';
export type RollingMetric = 'word_perplexity' | 'byte_perplexity' | 'bits_per_byte';

/** Where a task's documents come from. */
export interface TaskData<Doc> {
  /** Dataset as lm-eval names it (HF path, config), for provenance. */
  readonly source: string;
  /** Evaluated split (lm-eval's test_split, else validation_split). */
  readonly split: string;
  /** Reads the evaluated split from a data folder laid out like the real-data folder (LAB_REAL_DATA). */
  load(dataDir: string): Promise<readonly Doc[]>;
  /** Reads the evaluated split from the hub's parquet files (through the hub cache). */
  loadHub(): Promise<readonly Doc[]>;
}

interface TaskBase<Doc> {
  /** lm-eval task name (`piqa`, `mmlu_anatomy`, `mnli_mismatch`, ...). */
  readonly name: string;
  /** Name shown in result rows and tables when it differs from `name` (lm-eval's task alias, e.g. `anatomy`). */
  readonly alias?: string;
  /** lm-eval metadata.version of the task YAML mirrored. */
  readonly version: string;
  /** The lm-eval file this definition mirrors (provenance). */
  readonly mirrors: string;
  readonly data: TaskData<Doc>;
  /** Few-shot examples: always 0 here (all six tasks default to 0-shot). */
  readonly numFewshot: 0;
}

/** An lm-eval `output_type: multiple_choice` task. */
export interface MultipleChoiceTask<Doc = unknown> extends TaskBase<Doc> {
  readonly outputType: 'multiple_choice';
  /** Prepended to the context (MMLU's subject line; '' elsewhere). */
  readonly description: string;
  docToText(doc: Doc): string;
  docToChoice(doc: Doc): readonly string[];
  /** Index of the gold choice. */
  docToTarget(doc: Doc): number;
  /** Between context and choice: " " (lm-eval's default; no task here overrides it). */
  readonly targetDelimiter: string;
  readonly metrics: readonly MultipleChoiceMetric[];
}

/** An lm-eval `output_type: loglikelihood_rolling` task (wikitext). */
export interface RollingTask<Doc = unknown> extends TaskBase<Doc> {
  readonly outputType: 'loglikelihood_rolling';
  /** The whole text scored with no context. */
  docToTarget(doc: Doc): string;
  /** Per-document (loglikelihood, weight) pairs for each metric (lm-eval's process_results). */
  processResults(doc: Doc, loglikelihood: number): Readonly<Record<RollingMetric, readonly [number, number]>>;
  readonly metrics: readonly RollingMetric[];
}

export type TaskDef<Doc = any> = MultipleChoiceTask<Doc> | RollingTask<Doc>;

/** A reported group: a weighted average over leaf tasks (lm-eval group) or our GLUE mean. */
export interface TaskGroup {
  readonly name: string;
  /** Shown in the table (lm-eval's alias). */
  readonly alias: string;
  /** Member task or group names, in table order. */
  readonly members: readonly string[];
  /**
   * 'weighted-acc': lm-eval aggregate_metric_list [{metric: acc, weight_by_size: True}] over the
   *   leaf tasks, stderr pooled;
   * 'glue-mean': our GLUE score, the unweighted mean of each member's headline metric.
   */
  readonly aggregate: 'weighted-acc' | 'glue-mean';
  readonly version: string;
  /** 'glue-mean': the metric averaged for each member (e.g. mcc for cola). */
  readonly headline?: Readonly<Record<string, string>>;
}

/** A plain loglikelihood request: log p(continuation | context). */
export interface LoglikelihoodRequest {
  readonly docId: number;
  /** Which choice of the document (multiple choice), 0 for rolling requests. */
  readonly index: number;
  readonly context: string;
  readonly continuation: string;
}

/** The model's answer to one loglikelihood request. */
export interface LoglikelihoodResult {
  /** Sum of log p over the continuation tokens (natural log). */
  readonly loglikelihood: number;
  /** True when every continuation token is the argmax at its position. */
  readonly isGreedy: boolean;
}

/** One metric value in lm-eval's result shape: a number or "N/A". */
export type MetricValue = number | 'N/A';

/** lm-eval's results JSON shape (the parts existing tooling reads). */
export interface EvalResult {
  /** task or group -> { alias, "acc,none", "acc_stderr,none", ... }. */
  readonly results: Record<string, Record<string, MetricValue | string>>;
  readonly groups: Record<string, Record<string, MetricValue | string>>;
  readonly group_subtasks: Record<string, string[]>;
  /** Task / group version: a number as lm-eval writes it (1.0, 2); a string only for our own groups (glue: 'lab-1'). */
  readonly versions: Record<string, number | string>;
  readonly 'n-shot': Record<string, number>;
  readonly higher_is_better: Record<string, Record<string, boolean>>;
  readonly 'n-samples': Record<string, { original: number; effective: number }>;
  readonly config: Record<string, unknown>;
  /** Start of the run, Unix seconds (lm-eval: time.time()). */
  readonly date?: number;
  /** Monotonic clock at start and end, seconds (lm-eval: time.perf_counter()); their difference as a string. */
  readonly start_time?: number;
  readonly end_time?: number;
  readonly total_evaluation_time_seconds?: string;
  /** Per-document samples (when requested). */
  readonly samples?: Record<string, SampleLog[]>;
}

/** One document's log line, as in lm-eval's samples_<task>.jsonl (doc_id, doc, target,
 *  arguments, resps, filtered_resps, then one entry per metric). */
export interface SampleLog {
  readonly doc_id: number;
  readonly doc: unknown;
  readonly target: number | string;
  /** Request arguments: [context, continuation] per choice, or [text] for rolling. */
  readonly arguments: readonly (readonly string[])[];
  readonly resps: readonly unknown[];
  readonly filtered_resps: readonly unknown[];
  readonly [metric: string]: unknown;
}
