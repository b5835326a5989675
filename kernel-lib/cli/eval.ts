/**
 * `lab eval MODEL --tasks piqa,openbookqa,... [--limit N] [--batch-size N] [--data-dir DIR]
 *   [--output FILE] [--log-samples FILE] [--bootstrap-iters N] [--no-cache] [--revision R]`
 * LM Evaluation Harness numbers (v0.4.9.1 behaviour) for a model folder, hub id or `mini`.
 * Prints lm-eval's table; --output writes the results JSON (lm-eval's shape); --log-samples
 * writes one JSON line per document ({"task", "doc_id", "doc", "target", "arguments", "resps",
 * "filtered_resps", metrics...}). Requests are cached per model, so an interrupted run resumes.
 */
import { parseArgs } from 'node:util';
import { parseEngine } from '../runtime/engine-env.ts';
import { resolve } from 'node:path';
import { openModel } from './open-model.ts';
import { evaluate } from '../eval/evaluate.ts';
import { formatResultsTable } from '../eval/format-results-table.ts';
import { listTasks } from '../eval/tasks/index.ts';
import { writeFileAtomic, writeJsonAtomic } from '../runtime/files.ts';

export const summary = 'LM Evaluation Harness tasks (piqa, openbookqa, hellaswag, mmlu, glue, wikitext) on a model';

const USAGE = 'usage: lab eval MODEL --tasks T1,T2 [--limit N] [--batch-size N] [--data-dir DIR] [--output FILE]\n'
  + '                [--log-samples FILE] [--bootstrap-iters N] [--no-cache] [--cache-flush-ms MS] [--revision R]\n'
  + '                [--engine ort|tfjs]\n'
  + '  --data-dir defaults to $LAB_REAL_DATA, else the hub parquet files (hub cache); tasks: lab eval --list';

function positiveNumber(v: string | undefined, key: string, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0) || (integer && !Number.isInteger(n))) throw new Error(`--${key}: expected a positive ${integer ? 'integer' : 'number'}, got '${v}'`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: {
    tasks: { type: 'string' }, limit: { type: 'string' }, 'batch-size': { type: 'string' }, 'data-dir': { type: 'string' },
    output: { type: 'string' }, 'log-samples': { type: 'string' }, 'bootstrap-iters': { type: 'string' },
    'no-cache': { type: 'boolean', default: false }, 'cache-flush-ms': { type: 'string' }, revision: { type: 'string' }, list: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
    engine: { type: 'string' },
  } });
  if (values.list) { console.log(listTasks().join('\n')); return 0; }
  if (values.help || positionals.length !== 1 || !values.tasks) { console.error(USAGE); return values.help ? 0 : 2; }
  const dataDir = values['data-dir'] ?? process.env.LAB_REAL_DATA;
  const tasks = values.tasks.split(',').map((s) => s.trim()).filter(Boolean);
  const bootstrap = values['bootstrap-iters'] === '0' ? 0 : positiveNumber(values['bootstrap-iters'], 'bootstrap-iters', true);
  const { model, tokenizer } = await openModel(positionals[0]!, values.revision);
  const result = await evaluate(model, tokenizer, tasks, {
    dataDir: dataDir ? resolve(dataDir) : null,
    limit: positiveNumber(values.limit, 'limit', false) ?? null,
    batchSize: positiveNumber(values['batch-size'], 'batch-size', true) ?? 1,
    ...(bootstrap === undefined ? {} : { bootstrapIters: bootstrap }),
    ...(values['no-cache'] ? { cacheDir: null } : {}),
    ...(values['cache-flush-ms'] !== undefined ? { cacheFlushMs: Number(values['cache-flush-ms']) } : {}),
    logSamples: values['log-samples'] !== undefined,
    modelName: positionals[0]!,
    ...(values.engine === undefined ? {} : { engine: parseEngine(values.engine, '--engine') }),
  });
  const { samples, ...summaryJson } = result;
  console.log(formatResultsTable(result));
  if (values.output) { writeJsonAtomic(values.output, summaryJson); console.error(`results written to ${values.output}`); }
  if (values['log-samples'] && samples) {
    const lines = Object.entries(samples).flatMap(([task, ss]) => ss.map((s) => JSON.stringify({ task, ...s })));
    writeFileAtomic(values['log-samples'], lines.join('\n') + '\n');
    console.error(`samples written to ${values['log-samples']}`);
  }
  return 0;
}
