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
import { parseArgs } from 'node:util';
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

export const summary = 'structured pruning (heads / MLP neurons), one-shot or iterative with recovery fine-tuning';

const HELP = `usage: lab prune MODEL --out DIR [options]
  --target F            fraction to remove (default ${pruneDefaults.target})
  --of total|non-embedding|pruned   what the fraction counts (default ${pruneDefaults.of})
  --groups heads,mlp    unit kinds to prune (default ${pruneDefaults.groups.join(',')})
  --criterion NAME      magnitude-l1 | magnitude-l2 | taylor | activation | random (default ${pruneDefaults.criterion})
  --selection uniform|global        (default ${pruneDefaults.selection}; global gives per-layer MLP widths HF cannot load)
  --schedule one-shot|iterative     (default ${pruneDefaults.schedule}); --iterations K (default ${pruneDefaults.iterations})
  --min-heads N  --min-mlp-width N  --round-mlp-to N  --calibration-samples N  --seed N
  --recover corpus:NAME|none        NAME = ${corpusNames.join(' | ')} | all (default none)
  --recover-steps N     updates per iteration (default 50), or --recover-epochs E over the train split
  --batch-size N (8)  --lr F (3e-4)  --block-size T (64)  --eval-blocks N (48; 0 = no perplexity)
  --data corpus:NAME    calibration/perplexity corpus when --recover none (default all)
  --layout hf|lab|auto  layout of DIR/model (default auto)   --no-cost   skip latency measurement
  --study schedules|criteria   run a study instead (no --out needed; --study-name NAME names its table,
                        --seed also seeds recovery); --recover-tokens N = total budget
                        per schedule (default 16384); criteria ranking uses --target (default 0.3)`;

function corpora(spec: string, flag: string): readonly CorpusName[] {
  const m = /^corpus:(.+)$/.exec(spec);
  if (!m) throw new Error(`--${flag}: expected corpus:NAME, got '${spec}'`);
  if (m[1] === 'all') return corpusNames;
  if (!corpusNames.includes(m[1] as CorpusName)) throw new Error(`--${flag}: unknown corpus '${m[1]}' (known: ${corpusNames.join(', ')}, all)`);
  return [m[1] as CorpusName];
}


export async function run(argv: string[]): Promise<number> {
  const { values: o, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      target: { type: 'string' }, of: { type: 'string' }, groups: { type: 'string' }, criterion: { type: 'string' },
      selection: { type: 'string' }, schedule: { type: 'string' }, iterations: { type: 'string' },
      'min-heads': { type: 'string' }, 'min-mlp-width': { type: 'string' }, 'round-mlp-to': { type: 'string' },
      'calibration-samples': { type: 'string' }, seed: { type: 'string' },
      recover: { type: 'string', default: 'none' }, 'recover-steps': { type: 'string' }, 'recover-epochs': { type: 'string' },
      'batch-size': { type: 'string', default: '8' }, lr: { type: 'string', default: '3e-4' },
      'block-size': { type: 'string', default: '64' }, 'eval-blocks': { type: 'string', default: '48' },
      data: { type: 'string', default: 'corpus:all' }, layout: { type: 'string', default: 'auto' },
      'no-cost': { type: 'boolean', default: false }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      study: { type: 'string' }, 'recover-tokens': { type: 'string', default: '16384' }, 'study-name': { type: 'string' },
    },
  });
  if (o.help) { console.log(HELP); return 0; }
  if (positionals.length !== 1 || (!o.out && !o.study)) { console.error(HELP); return 2; }
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
