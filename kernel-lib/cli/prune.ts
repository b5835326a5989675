/**
 * `lab prune MODEL --target 0.47 --of total --groups heads,mlp --criterion taylor
 *  --selection uniform --schedule iterative --iterations 4 --recover corpus:NAME|none --out DIR`
 * Prunes MODEL (hub id, folder or `mini`), recovering after each step by fine-tuning on a corpus's
 * train split, and writes: DIR/iter-<k>/{plan.json, model/} and DIR/run.json (resumable: rerun the
 * same command to continue), DIR/model/ (the result; HF layout when transformers can express the
 * shapes, else the lab layout, saying why), DIR/summary.json (log + cost before/after).
 * `lab prune MODEL --study schedules|criteria [options]` runs the mini-profile studies instead
 * (prune/study/: one-shot vs iterative at equal recovery tokens; criteria without recovery) and
 * writes the prune-schedules / prune-criteria tables under results/tables and their run.json under results/runs.
 */
import { join } from 'node:path';
import { writeJsonAtomic } from '../runtime/files.ts';
import { saveModel } from '../model/save-model.ts';
import { finetune } from '../train/finetune.ts';
import { corpusNames, type CorpusName } from '../data/corpora.ts';
import { prune } from '../prune/prune.ts';
import { resolvePruneConfig, pruneDefaults, type PruneConfig } from '../prune/prune-config.ts';
import { measureCost, type ModelCost } from '../prune/measure-cost.ts';
import { corpusBlocks, calibrationFrom } from '../prune/study/corpus-blocks.ts';
import { heldOutPerplexity } from '../prune/study/held-out-perplexity.ts';
import { compareSchedules } from '../prune/study/compare-schedules.ts';
import { rankCriteria } from '../prune/study/rank-criteria.ts';
import type { LanguageModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import type { PruneStudyConfig } from '../prune/study/prune-study-config.ts';
import { openModel, textTable } from './open-model.ts';
import { numberFlag as num } from './number-flag.ts';
import { choiceArg, helpText, outDirArg, parseCommand, UsageError, type CommandSpec } from './args.ts';
import { importanceCriteria } from '../prune/importance/index.ts';

export const summary = 'structured pruning (heads / MLP neurons), one-shot or iterative with recovery fine-tuning';

const d = pruneDefaults;
export const spec = {
  name: 'lab prune',
  usage: 'MODEL --out DIR [options]   |   lab prune MODEL --study schedules|criteria [options]',
  description: 'Structured pruning (attention heads / MLP neurons), one-shot or iterative with recovery fine-tuning;\n'
    + 'resumable between iterations (rerun the same command). --study runs the mini-profile studies instead.',
  positionals: { min: 1, max: 1, names: ['MODEL'] },
  flags: {
    target: { type: 'string', value: 'F', help: `fraction of parameters to remove, in (0, 1) (default ${d.target})` },
    of: { type: 'string', value: 'total|non-embedding|pruned', help: `what the fraction counts (default ${d.of})` },
    groups: { type: 'string', value: 'heads,mlp', help: `unit kinds to prune (default ${d.groups.join(',')})` },
    criterion: { type: 'string', value: 'NAME', help: `magnitude-l1 | magnitude-l2 | taylor | activation | random (default ${d.criterion})` },
    selection: { type: 'string', value: 'uniform|global', help: `default ${d.selection}; global gives per-layer MLP widths transformers cannot load` },
    schedule: { type: 'string', value: 'one-shot|iterative', help: `(default ${d.schedule})` },
    iterations: { type: 'string', value: 'K', help: `prune+recover steps of the iterative schedule (default ${d.iterations})` },
    'min-heads': { type: 'string', value: 'N', help: `heads kept per layer at least (default ${d.minHeads})` },
    'min-mlp-width': { type: 'string', value: 'N', help: `MLP neurons kept per layer at least (default ${d.minMlpWidth})` },
    'round-mlp-to': { type: 'string', value: 'N', help: `kept MLP width rounded up to a multiple of N (default ${d.roundMlpTo})` },
    'calibration-samples': { type: 'string', value: 'N', help: `sequences for taylor / activation (default ${d.calibrationSamples})` },
    seed: { type: 'string', value: 'N', help: `seed of the random criterion and recovery (default ${d.seed})` },
    recover: { type: 'string', value: 'corpus:NAME|none', default: 'none', help: `recovery fine-tuning after each step (NAME = ${corpusNames.join(' | ')} | all; default none)` },
    'recover-steps': { type: 'string', value: 'N', help: 'updates per iteration (default 50)' },
    'recover-epochs': { type: 'string', value: 'E', help: 'instead of --recover-steps: epochs of the train split per iteration' },
    'batch-size': { type: 'string', value: 'N', default: '8', help: 'recovery batch (default 8)' },
    lr: { type: 'string', value: 'F', default: '3e-4', help: 'recovery learning rate (default 3e-4)' },
    'block-size': { type: 'string', value: 'T', default: '64', help: 'tokens per block (default 64)' },
    'eval-blocks': { type: 'string', value: 'N', default: '48', help: 'validation blocks for perplexity (default 48; 0 = no perplexity)' },
    data: { type: 'string', value: 'corpus:NAME', default: 'corpus:all', help: 'calibration / perplexity corpus when --recover none (default corpus:all)' },
    layout: { type: 'string', value: 'hf|lab|auto', default: 'auto', help: 'layout of the saved model (default auto)' },
    'no-cost': { type: 'boolean', help: 'skip the latency measurement' },
    out: { type: 'string', value: 'DIR', help: 'output folder (required unless --study)' },
    study: { type: 'string', value: 'schedules|criteria', help: 'run a study instead (no --out needed; the criteria ranking uses --target, default 0.3; --seed also seeds recovery)' },
    'recover-tokens': { type: 'string', value: 'N', default: '16384', help: 'study: total recovery budget per schedule (default 16384)' },
    'study-name': { type: 'string', value: 'NAME', help: 'study: name of its table' },
  },
} as const satisfies CommandSpec;

function corpora(spec: string, flag: string): readonly CorpusName[] {
  const m = /^corpus:(.+)$/.exec(spec);
  if (!m) throw new Error(`--${flag}: expected corpus:NAME, got '${spec}'`);
  if (m[1] === 'all') return corpusNames;
  if (!corpusNames.includes(m[1] as CorpusName)) throw new Error(`--${flag}: unknown corpus '${m[1]}' (known: ${corpusNames.join(', ')}, all)`);
  return [m[1] as CorpusName];
}


export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (!parsed) { console.log(helpText(spec)); return 0; }
  const { values: o, positionals } = parsed;
  if (!o.out && !o.study) throw new UsageError('--out DIR is required (or --study schedules|criteria)');
  if (o.out) outDirArg(o.out, 'out');
  choiceArg(o.criterion, 'criterion', [...importanceCriteria.keys()]);
  choiceArg(o.of, 'of', ['total', 'non-embedding', 'pruned']);
  choiceArg(o.selection, 'selection', ['uniform', 'global']);
  choiceArg(o.schedule, 'schedule', ['one-shot', 'iterative']);
  choiceArg(o.layout, 'layout', ['hf', 'lab', 'auto']);
  choiceArg(o.study, 'study', ['schedules', 'criteria']);
  const overrides: Partial<Record<keyof PruneConfig, unknown>> = {
    target: num(o.target, 'target'), of: o.of, groups: o.groups?.split(','), criterion: o.criterion,
    selection: o.selection, schedule: o.schedule, iterations: num(o.iterations, 'iterations'),
    minHeads: num(o['min-heads'], 'min-heads'), minMlpWidth: num(o['min-mlp-width'], 'min-mlp-width'),
    roundMlpTo: num(o['round-mlp-to'], 'round-mlp-to'), calibrationSamples: num(o['calibration-samples'], 'calibration-samples'),
    seed: num(o.seed, 'seed'),
  };
  const cfg = resolvePruneConfig(Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<PruneConfig>);
  const recoverCorpora = o.recover === 'none' ? null : corpora(o.recover!, 'recover');
  const dataCorpora = recoverCorpora ?? corpora(o.data!, 'data');
  if (!['hf', 'lab', 'auto'].includes(o.layout!)) throw new Error(`--layout: expected hf, lab or auto, got '${o.layout}'`);
  const batch = num(o['batch-size'], 'batch-size')!, lr = num(o.lr, 'lr')!, evalBlocks = num(o['eval-blocks'], 'eval-blocks')!;

  const { model, tokenizer } = await openModel(positionals[0]!);
  if (o.study) return runStudy(o.study, model, tokenizer, overrides, {
    corpora: dataCorpora, blockSize: num(o['block-size'], 'block-size')!, recoveryTokens: num(o['recover-tokens'], 'recover-tokens')!,
    recoveryBatch: batch, recoveryLr: lr, evalBlocks, seed: num(o.seed, 'seed') ?? 0,
  }, o['study-name']);
  const T = Math.min(num(o['block-size'], 'block-size')!, model.config.maxPositions - 1);
  const train = await corpusBlocks(tokenizer, 'train', { corpora: dataCorpora, blockSize: T });
  const val = evalBlocks > 0 ? await corpusBlocks(tokenizer, 'validation', { corpora: dataCorpora, blockSize: T, maxBlocks: evalBlocks }) : [];
  const steps = o['recover-epochs'] !== undefined
    ? Math.ceil(num(o['recover-epochs'], 'recover-epochs')! * train.length / batch)
    : num(o['recover-steps'], 'recover-steps') ?? 50;
  const recover = recoverCorpora ? async (m: LanguageModel, info: { iteration: number }) => (await finetune(m, train, {
    steps, batchSize: batch, lr, schedule: 'constant', warmupSteps: 0, seed: cfg.seed + info.iteration,
    evalEvery: 0, saveEvery: 0, logEvery: 10, runDir: join(o.out!, `recover-${info.iteration}`), resume: true,
  }, { describe: { step: 'prune-recovery', iteration: info.iteration } })).model : undefined;
  const costOpts = o['no-cost'] ? { repeats: 0 } : {};
  const before: ModelCost = await measureCost(model, costOpts);

  const { model: pruned, log } = await prune(model, cfg, {
    calibration: calibrationFrom(train, cfg.calibrationSamples), recover,
    evaluate: val.length ? (m) => heldOutPerplexity(m, val) : undefined, outDir: o.out,
    recipe: { model: positionals[0], recover: o.recover, steps, batch, lr, T, data: dataCorpora, evalBlocks },
  });
  const after: ModelCost = await measureCost(pruned, costOpts);

  let layout: 'hf' | 'lab' = o.layout === 'lab' ? 'lab' : 'hf';
  let layoutNote = '';
  try {
    await saveModel(pruned, join(o.out!, 'model'), { layout });
  } catch (e) {
    if (o.layout !== 'auto') throw e;
    layout = 'lab';
    layoutNote = `not loadable by transformers: ${(e as Error).message}`;
    await saveModel(pruned, join(o.out!, 'model'), { layout });
  }
  writeJsonAtomic(join(o.out!, 'summary.json'), { model: positionals[0], log, cost: { before, after }, saved: { dir: join(o.out!, 'model'), layout, note: layoutNote } });

  const f = (x: number | null, d = 2) => (x === null ? '-' : x.toFixed(d));
  console.log(textTable(['iter', 'target', 'params', 'total', 'non-emb', 'pruned', 'ppl pruned', 'ppl recovered'],
    log.iterations.map((it) => [it.iteration, f(it.target, 3), it.parameters.total, f(it.sparsity.total, 3), f(it.sparsity.nonEmbedding, 3), f(it.sparsity.pruned, 3), f(it.metricPruned), f(it.metricRecovered)])));
  if (log.metricBase !== null) console.log(`base perplexity ${log.metricBase.toFixed(2)} (validation, ${val.length} blocks of ${T} tokens)`);
  const row = (name: string, c: ModelCost) => [name, c.parameters.total, (c.flopsPerToken.total / 1e6).toFixed(2),
    ...[1, 8].map((b) => { const l = c.latency.find((x) => x.batch === b); return l ? `${l.ms.toFixed(1)} ms` : '-'; }),
    ...[c.latency.at(-1)].map((l) => (l ? `${(l.peakBytes / 2 ** 20).toFixed(1)} MiB` : '-'))];
  console.log(textTable(['model', 'params', 'MFLOP/token', 'fwd b1', 'fwd b8', 'peak act. mem'], [row('before', before), row('after', after)]));
  console.log(`saved ${join(o.out!, 'model')} (${layout} layout${layoutNote ? `; ${layoutNote}` : ''})`);
  return 0;
}

async function runStudy(
  study: string, model: LanguageModel, tokenizer: Tokenizer, overrides: Partial<Record<keyof PruneConfig, unknown>>,
  cfg: Partial<PruneStudyConfig>, name?: string,
): Promise<number> {
  const prune = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<PruneConfig>;
  const f = (x: number) => (Number.isInteger(x) ? String(x) : Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(3));
  if (study === 'schedules') {
    const r = await compareSchedules(model, tokenizer, { ...cfg, prune }, { name });
    console.log(textTable(Object.keys(r.rows[0]!), r.rows.map((row) => Object.values(row).map((v) => (typeof v === 'number' ? f(v) : String(v))))));
    console.log(textTable(['schedule', 'iteration', 'sparsity', 'ppl pruned', 'ppl recovered'], r.series.map((p) => [p.schedule, p.iteration, f(p.sparsity), f(p.ppl_pruned), p.ppl_recovered === null ? '-' : f(p.ppl_recovered)])));
    return 0;
  }
  if (study === 'criteria') {
    const r = await rankCriteria(model, tokenizer, { ...cfg, prune });
    console.log(textTable(Object.keys(r.rows[0]!), r.rows.map((row) => Object.values(row).map((v) => (typeof v === 'number' ? f(v) : String(v))))));
    return 0;
  }
  throw new Error(`--study: expected schedules or criteria, got '${study}'`);
}
