/**
 * `lab prune MODEL --target 0.47 --of total --groups heads,mlp --criterion taylor
 *  --selection uniform --schedule iterative --iterations 4 --recover corpus:NAME|none --out DIR`
 * Prunes MODEL (hub id, folder or `mini`), recovering after each step by fine-tuning on a corpus's
 * train split (prune/prune-recover.ts, the flow the study shares), and writes the result AT DIR: a
 * Hugging Face model folder (config.json, model.safetensors in the input's dtype, the input's
 * tokenizer files; HF layout when transformers can express the shapes, else the lab layout, saying
 * why) plus DIR/prune_summary.json (log + cost before/after). While running, iterations live in
 * DIR/iterations/ (rerun the same command to resume); they are kept only with --keep-iterations.
 * `lab prune MODEL --study schedules|criteria [options]` runs the mini-profile studies instead
 * (prune/study/: one-shot vs iterative at equal recovery tokens; criteria without recovery) and
 * writes the prune-schedules / prune-criteria tables under results/tables and their run.json under results/runs.
 */
import { parseArgs } from 'node:util';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeJsonAtomic } from '../runtime/files.ts';
import { createProgress } from '../runtime/progress.ts';
import { saveModel } from '../model/save-model.ts';
import { openCheckpoint } from '../model/safetensors-index.ts';
import { saveTokenizer } from '../tokenizer/save-tokenizer.ts';
import { corpusNames, type CorpusName } from '../data/corpora.ts';
import { resolvePruneConfig, pruneDefaults, type PruneConfig } from '../prune/prune-config.ts';
import { measureCost, type ModelCost } from '../prune/measure-cost.ts';
import { pruneAndRecover } from '../prune/prune-recover.ts';
import type { RecoveryPlan } from '../prune/recovery-data.ts';
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
  --layout hf|lab|auto  layout of the model at DIR (default auto)   --no-cost   skip latency measurement
  --keep-iterations     keep each iteration's plan and checkpoint under DIR/iterations/
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
      'keep-iterations': { type: 'boolean', default: false },
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

  const { model, tokenizer, dir: inputDir } = await openModel(positionals[0]!);
  if (o.study) return runStudy(o.study, model, tokenizer, overrides, {
    corpora: dataCorpora, blockSize: num(o['block-size'], 'block-size')!, recoveryTokens: num(o['recover-tokens'], 'recover-tokens')!,
    recoveryBatch: batch, recoveryLr: lr, evalBlocks, seed: num(o.seed, 'seed') ?? 0,
  }, o['study-name']);
  const out = resolve(o.out!);
  if (existsSync(out) && !statSync(out).isDirectory()) throw new Error(`--out ${o.out}: is a file; expected a folder (created when missing)`);
  // Iterations (plans, checkpoints, recovery runs) live in OUT/iterations while the run is going, so
  // an interrupted run resumes from them; they are removed at the end unless --keep-iterations.
  const work = join(out, 'iterations');
  const recovery: RecoveryPlan = {
    corpus: { kind: 'mini', corpora: dataCorpora }, blockSize: num(o['block-size'], 'block-size')!, tokens: 0,
    epochsPerIteration: o['recover-epochs'] !== undefined ? num(o['recover-epochs'], 'recover-epochs')! : null,
    batchSize: batch, lr, evalBlocks,
  };
  const steps = recovery.epochsPerIteration === null ? num(o['recover-steps'], 'recover-steps') ?? 50 : undefined;
  const costOpts = o['no-cost'] ? { repeats: 0 } : {};
  const before: ModelCost = await measureCost(model, costOpts);
  const iterations = cfg.schedule === 'one-shot' ? 1 : cfg.iterations;
  const progress = createProgress({ label: `prune ${positionals[0]}`, total: iterations, unit: 'iteration', intervalMs: 0 });
  const res = await pruneAndRecover(model, tokenizer, {
    prune: cfg, recovery, recover: recoverCorpora !== null, steps, measure: evalBlocks > 0,
    run: { seed: cfg.seed, saveEvery: 0, logEvery: 10, resume: true, handleSigint: true },
    recipe: { model: positionals[0], recover: o.recover, recovery, steps },
    onIteration: (k, n) => progress.tick(1, `iteration ${k}/${n}`),
  }, work, null);
  progress.done();
  const { model: pruned, log } = res;
  const after: ModelCost = await measureCost(pruned, costOpts);

  // The result is a Hugging Face model folder at OUT: weights in the input's dtype, config, tokenizer.
  const dtype = weightsDtype(inputDir);
  const tokenizerFiles = TOKENIZER_FILES.map((f) => join(inputDir, f)).filter((p) => existsSync(p));
  const saved = await saveModel(pruned, out, { layout: o.layout as 'hf' | 'lab' | 'auto', dtype: dtype.save, tokenizerFiles });
  if (!tokenizerFiles.length) saveTokenizer(inputDir, out);
  writeJsonAtomic(join(out, 'prune_summary.json'), {
    model: positionals[0], log, cost: { before, after }, saved: { layout: saved.layout, reason: saved.reason, dtype: dtype.note },
    iterations: o['keep-iterations'] ? 'iterations/' : null,
  });
  if (!o['keep-iterations']) rmSync(work, { recursive: true, force: true });

  const f = (x: number | null, d = 2) => (x === null ? '-' : x.toFixed(d));
  console.log(textTable(['iter', 'target', 'params', 'sparsity (total)', 'sparsity (non-emb)', 'sparsity (pruned units)', 'ppl pruned', 'ppl recovered'],
    log.iterations.map((it) => [it.iteration, f(it.target, 3), it.parameters.total, f(it.sparsity.total, 3), f(it.sparsity.nonEmbedding, 3), f(it.sparsity.pruned, 3), f(it.metricPruned), f(it.metricRecovered)])));
  if (log.metricBase !== null) console.log(`base perplexity ${log.metricBase.toFixed(2)} (validation, ${res.data.validation.length} blocks of ${res.data.blockSize} tokens)`);
  const row = (name: string, c: ModelCost) => [name, c.parameters.total, (c.flopsPerToken.total / 1e6).toFixed(2),
    ...[1, 8].map((b) => { const l = c.latency.find((x) => x.batch === b); return l ? `${l.ms.toFixed(1)} ms` : '-'; }),
    ...[c.latency.at(-1)].map((l) => (l ? `${(l.peakBytes / 2 ** 20).toFixed(1)} MiB` : '-'))];
  console.log(textTable(['model', 'params', 'MFLOP/token', 'fwd b1', 'fwd b8', 'peak act. mem'], [row('before', before), row('after', after)]));
  console.log(`saved ${out} (${saved.layout} layout, ${saved.reason}; ${dtype.note}${o['keep-iterations'] ? `; iterations in ${work}` : ''})`);
  return 0;
}

/** Tokenizer files copied next to the pruned weights when the input folder has them. */
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'vocab.json', 'merges.txt', 'special_tokens_map.json', 'added_tokens.json'];

/** The input's weight dtype and the dtype the result is saved in (F16 stays F16; BF16 has no writer: F32). */
function weightsDtype(dir: string): { save: 'float32' | 'float16'; note: string } {
  const ck = openCheckpoint(dir);
  try {
    const dtypes = new Set([...ck.entries.values()].map((e) => e.dtype));
    if (dtypes.size === 1 && dtypes.has('F16')) return { save: 'float16', note: 'F16 as the input' };
    if (dtypes.size === 1 && dtypes.has('F32')) return { save: 'float32', note: 'F32 as the input' };
    return { save: 'float32', note: `F32 (input weights are ${[...dtypes].join('+')}; saved exactly as float32)` };
  } finally {
    ck.close();
  }
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
