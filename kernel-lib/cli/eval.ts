/**
 * `lab eval MODEL --tasks piqa,openbookqa,... [--limit N] [--batch-size N] [--profile mini|paper]
 *   [--data-dir DIR] [--output FILE] [--log-samples FILE] [--bootstrap-iters N] [--no-cache] [--no-shared-context] [--revision R]`
 * LM Evaluation Harness numbers (v0.4.9.1 behaviour) for a model folder, hub id or `mini`.
 * Prints lm-eval's table; --output writes the results JSON (lm-eval's shape); --log-samples
 * writes one JSON line per document ({"task", "doc_id", "doc", "target", "arguments", "resps",
 * "filtered_resps", metrics...}). Requests are cached per model, so an interrupted run resumes.
 * Data: --data-dir, else the profile's: `mini` (default for the models mini and mini-olmo) = the
 * generated mini data (made on first use, as the study does); `paper` (default otherwise) =
 * $LAB_REAL_DATA, else the hub's parquet files through the hub cache.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEngine } from '../runtime/engine-env.ts';
import { openModel } from './open-model.ts';
import { isMiniModelId } from '../model/mini-models.ts';
import { settings } from '../runtime/settings.ts';
import { evaluate } from '../eval/evaluate.ts';
import { formatResultsTable } from '../eval/format-results-table.ts';
import { listTasks } from '../eval/tasks/index.ts';
import { labCacheDir, writeFileAtomic, writeJsonAtomic } from '../runtime/files.ts';
import { getProfile } from '../experiments/profiles.ts';
import { studyDataDir } from '../experiments/study-inputs.ts';
import { choiceArg, didYouMean, helpText, inDirArg, numberArg, outFileArg, parseCommand, UsageError, type CommandSpec } from './args.ts';
import { interruptNote } from './interrupt-note.ts';
import { applyOrtProviders, ortProvidersFlag } from './ort-providers-flag.ts';

export const summary = 'LM Evaluation Harness tasks (piqa, openbookqa, hellaswag, mmlu, glue, wikitext) on a model';

export const spec = {
  name: 'lab eval',
  usage: 'MODEL --tasks T1,T2 [options]',
  description: 'lm-eval v0.4.9.1 semantics (0-shot loglikelihood tasks). Prints lm-eval\'s table; requests are cached per model,\n'
    + 'so an interrupted run resumes. Data: --data-dir, else the profile\'s (mini: the generated mini data, the default for\n'
    + 'the mini model ids (mini-bpe, mini-olmo-bpe, mini, mini-olmo); paper: $LAB_REAL_DATA, else the hub\'s parquet files).',
  positionals: { min: 0, max: 1, names: ['MODEL'] },
  flags: {
    tasks: { type: 'string', value: 'T1,T2', help: 'tasks or groups, comma-separated (lab eval --list shows them)' },
    limit: { type: 'string', value: 'N', help: 'first N documents per task (N < 1: that fraction of each task), as lm-eval\'s --limit' },
    'batch-size': { type: 'string', value: 'N', help: 'rows per forward pass (default 1)' },
    profile: { type: 'string', value: 'mini|paper', help: 'whose data: mini = the generated mini data, paper = the real datasets' },
    'data-dir': { type: 'string', value: 'DIR', help: 'folder of the datasets (one sub-folder each); overrides --profile' },
    output: { type: 'string', value: 'FILE', help: 'write the results JSON (lm-eval\'s results shape)' },
    'log-samples': { type: 'string', value: 'FILE', help: 'write one JSON line per document (lm-eval\'s samples)' },
    'bootstrap-iters': { type: 'string', value: 'N', help: 'bootstrap replicates for f1/mcc stderr (default 100000; 0 = N/A)' },
    'no-cache': { type: 'boolean', help: 'do not read or write the request cache' },
    'cache-flush-ms': { type: 'string', value: 'MS', help: 'milliseconds between request-cache writes (default 2000)' },
    revision: { type: 'string', value: 'R', help: 'hub revision of MODEL' },
    list: { type: 'boolean', help: 'list the task and group names and exit' },
    'no-shared-context': { type: 'boolean', help: 'run every request\'s whole input (lm-eval\'s rows) instead of each context once with its continuations' },
    engine: { type: 'string', value: 'ort|tfjs', help: 'forward-pass engine (default ort when onnxruntime-node loads, else tfjs)' },
    'ort-providers': ortProvidersFlag,
  },
} as const satisfies CommandSpec;

/** Each name of `--tasks` checked against the registry (did-you-mean for the unknown ones). */
function taskList(v: string): string[] {
  const known = listTasks();
  const tasks = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (!tasks.length) throw new UsageError('--tasks: expected task names, e.g. --tasks piqa,openbookqa');
  for (const t of tasks) {
    if (!known.includes(t)) throw new UsageError(`--tasks: unknown task '${t}'${didYouMean(t, known)}; \`lab eval --list\` lists the ${known.length} tasks and groups`);
  }
  return tasks;
}

/** A folder `lab prune mini... --out DIR` wrote (its prune_summary.json names a mini model id, or such a folder). */
function prunedFromMini(model: string, depth = 0): boolean {
  const f = join(model, 'prune_summary.json');
  if (depth > 8 || !existsSync(f)) return false;
  try {
    const from = (JSON.parse(readFileSync(f, 'utf8')) as { model?: unknown }).model;
    return typeof from === 'string' && (isMiniModelId(from) || prunedFromMini(from, depth + 1));
  } catch {
    return false;   // not our summary: no lineage, the default profile applies
  }
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (!parsed) { console.log(helpText(spec)); return 0; }
  const { values, positionals } = parsed;
  applyOrtProviders(values['ort-providers']);
  if (values.list) { console.log(listTasks().join('\n')); return 0; }
  if (positionals.length !== 1) throw new UsageError(`missing MODEL\nusage: ${spec.name} ${spec.usage}`);
  if (values.tasks === undefined) throw new UsageError('--tasks is required (e.g. --tasks piqa,openbookqa; lab eval --list shows them)');
  const model0 = positionals[0]!;
  const tasks = taskList(values.tasks);
  const limit = numberArg(values.limit, 'limit', { min: 0, exclusiveMin: true, what: 'documents per task, or a fraction below 1' }) ?? null;
  const batchSize = numberArg(values['batch-size'], 'batch-size', { integer: true, min: 1 }) ?? 1;
  const bootstrap = numberArg(values['bootstrap-iters'], 'bootstrap-iters', { integer: true, min: 0 });
  const flushMs = numberArg(values['cache-flush-ms'], 'cache-flush-ms', { min: 0 });
  const output = values.output === undefined ? undefined : outFileArg(values.output, 'output');
  const samplesFile = values['log-samples'] === undefined ? undefined : outFileArg(values['log-samples'], 'log-samples');
  const isMini = isMiniModelId(model0) || prunedFromMini(model0);
  const profile = choiceArg(values.profile, 'profile', ['mini', 'paper'] as const) ?? (isMini ? 'mini' : 'paper');
  let dataDir: string | null;
  if (values['data-dir'] !== undefined) {
    const d = values['data-dir'];
    const hint = (d === 'mini' || d === 'paper') && !existsSync(d) ? ` (did you mean --profile ${d}?)` : '';
    dataDir = inDirArg(d, 'data-dir', hint);
  } else if (profile === 'mini') {
    console.error('[eval] data: the mini profile\'s generated tasks (made once from the embedded texts, a few seconds)');
    dataDir = studyDataDir(getProfile('mini'));
    console.error(`[eval] data: ${dataDir}`);
  } else {
    dataDir = settings().realDataDir ?? null;
  }

  const { model, tokenizer } = await openModel(model0, values.revision);
  interruptNote(values['no-cache'] ? 'nothing was cached (--no-cache)'
    : `the requests computed so far are in the request cache (${join(labCacheDir(), 'eval')}): run the same command again to resume`);
  const hint = (e: unknown): never => {
    // the real datasets are not reachable here: say how to use the data that ships with the project
    const msg = e instanceof Error ? e.message : String(e);
    if (dataDir === null && values.profile === undefined && /unreachable|offline/.test(msg)) {
      throw new Error(`${msg}\n(models other than mini / mini-olmo are evaluated on the real datasets by default, --profile paper; --profile mini uses the generated mini data, --data-dir DIR a local copy)`, { cause: e });
    }
    throw e;
  };
  const result = await evaluate(model, tokenizer, tasks, {
    dataDir,
    limit,
    batchSize,
    ...(bootstrap === undefined ? {} : { bootstrapIters: bootstrap }),
    ...(values['no-cache'] ? { cacheDir: null } : {}),
    ...(flushMs !== undefined ? { cacheFlushMs: flushMs } : {}),
    logSamples: samplesFile !== undefined,
    modelName: model0,
    ...(values.engine === undefined ? {} : { engine: parseEngine(values.engine, '--engine') }),
    ...(values['no-shared-context'] ? { sharedContext: false } : {}),
  }).catch(hint);
  const { samples, ...summaryJson } = result;
  console.log(formatResultsTable(result));
  if (output) { writeJsonAtomic(output, summaryJson); console.error(`results written to ${values.output}`); }
  if (samplesFile && samples) {
    const lines = Object.entries(samples).flatMap(([task, ss]) => ss.map((s) => JSON.stringify({ task, ...s })));
    writeFileAtomic(samplesFile, lines.join('\n') + '\n');
    console.error(`samples written to ${values['log-samples']}`);
  }
  return 0;
}
