/**
 * `lab prune MODEL --target 0.47 --of total --groups heads,mlp --criterion taylor
 *  --selection uniform --schedule iterative --iterations 4 --recover corpus:NAME|self|none --out DIR`
 * Prunes MODEL (hub id, folder or `mini`), recovering after each step by fine-tuning on a corpus's
 * train split or, with `--recover self`, on sequences the dense model sampled before the cut
 * (prune/self-recovery-data.ts; calibration and perplexity then use self-samples too)
 * (prune/prune-recover.ts, the flow the study shares), and writes the result AT DIR: a
 * Hugging Face model folder (config.json, model.safetensors in the input's dtype, the input's
 * tokenizer files; HF layout when transformers can express the shapes, else the lab layout, saying
 * why) plus DIR/prune_summary.json (log + cost before/after). While running, iterations live in
 * DIR/iterations/ (rerun the same command to resume); they are kept only with --keep-iterations.
 * `lab prune MODEL --study schedules|criteria [options]` runs the mini-profile studies instead
 * (experiments/compare-schedules.ts: one-shot vs iterative at equal recovery tokens;
 * experiments/rank-criteria.ts: criteria without recovery) and
 * writes the prune-schedules / prune-criteria tables under results/tables and their run.json under results/runs.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeJsonAtomic } from '../runtime/files.ts';
import { createProgress } from '../runtime/progress.ts';
import { saveLayouts, saveModel, type SaveLayout } from '../model/save-model.ts';
import { openCheckpoint } from '../model/safetensors-index.ts';
import { saveTokenizer } from '../tokenizer/save-tokenizer.ts';
import { saveGgufTokenizer } from '../tokenizer/save-gguf-tokenizer.ts';
import { ggufFileOf } from '../model/gguf/gguf-path.ts';
import { readGguf } from '../model/gguf/read-gguf.ts';
import { corpusNames, type CorpusName } from '../data/corpora.ts';
import { pruneDefaults, type PruneConfig } from '../prune/prune-config.ts';
import { resolvePruneTarget } from '../prune/prune-target.ts';
import { scheduleNames } from '../prune/schedules.ts';
import { sparsityOfNames } from '../prune/sparsity.ts';
import { selectionNames, selections } from '../prune/select-units.ts';
import { unitKinds } from '../prune/pruning-plan.ts';
import { measureCost, type ModelCost } from '../prune/measure-cost.ts';
import { pruneAndRecover } from '../prune/prune-recover.ts';
import { recoveryData, type RecoveryPlan } from '../prune/recovery-data.ts';
import { compareSchedules } from '../experiments/compare-schedules.ts';
import { rankCriteria } from '../experiments/rank-criteria.ts';
import type { LanguageModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import type { PruneStudyConfig } from '../experiments/prune-study-config.ts';
import { openModel, textTable } from './open-model.ts';
import { numberFlag as num } from './number-flag.ts';
import { choiceArg, helpText, outDirArg, parseCommand, UsageError, type CommandSpec } from './args.ts';
import { forwardOnlyCriteria, importanceCriteria } from '../prune/importance/index.ts';
import { parseCalibrationSpec, SELF_HELD_OUT_SEEDS, SELF_RECOVERY_SEEDS } from '../prune/calibration-data.ts';
import { isMiniModelId } from '../model/mini-models.ts';
import { intervals, pruneWithoutRecovery } from './prune-without-recovery.ts';
import { selfRecoveryData } from '../prune/self-recovery-data.ts';
import { heldOutBlockLosses, pooledPerplexity } from '../prune/held-out-block-losses.ts';
import type { BlockLoss } from '../stats/perplexity-stderr.ts';

export const summary = 'structured pruning (heads / MLP neurons), one-shot or iterative with recovery fine-tuning';

type StudyRunner = (model: LanguageModel, tokenizer: Tokenizer, cfg: Partial<PruneStudyConfig>, name: string | undefined) => Promise<void>;

/** The studies `--study` runs, by name (its help and validation come from here). */
const studies: Readonly<Record<string, StudyRunner>> = {
  schedules: async (model, tokenizer, cfg, name) => {
    const r = await compareSchedules(model, tokenizer, cfg, { name });
    console.log(textTable(Object.keys(r.rows[0]!), r.rows.map((row) => Object.values(row).map((v) => (typeof v === 'number' ? fmt(v) : String(v))))));
    console.log(textTable(['schedule', 'iteration', 'sparsity', 'ppl pruned', 'ppl recovered'], r.series.map((p) => [p.schedule, p.iteration, fmt(p.sparsity), fmt(p.ppl_pruned), p.ppl_recovered === null ? '-' : fmt(p.ppl_recovered)])));
  },
  criteria: async (model, tokenizer, cfg) => {
    const r = await rankCriteria(model, tokenizer, cfg);
    console.log(textTable(Object.keys(r.rows[0]!), r.rows.map((row) => Object.values(row).map((v) => (typeof v === 'number' ? fmt(v) : String(v))))));
  },
};
const studyNames = Object.keys(studies);

/** "a, b and c" */
const andList = (names: readonly string[]): string => names.join(', ').replace(/, ([^,]*)$/, ' and $1');

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(3);
}

const d = pruneDefaults;
export const spec = {
  name: 'lab prune',
  usage: `MODEL --out DIR [options]   |   lab prune MODEL --study ${studyNames.join('|')} [options]`,
  description: 'Structured pruning (attention heads / MLP neurons), one-shot or iterative with recovery fine-tuning;\n'
    + 'resumable between iterations (rerun the same command). --study runs the mini-profile studies instead.',
  positionals: { min: 1, max: 1, names: ['MODEL'] },
  flags: {
    target: { type: 'string', value: 'F', help: `fraction of parameters to remove, in (0, 1) (default ${d.target})` },
    of: { type: 'string', value: sparsityOfNames.join('|'), help: `what the fraction counts (default ${d.of})` },
    groups: { type: 'string', value: unitKinds.join(','), help: `unit kinds to prune (default ${d.groups.join(',')})` },
    criterion: { type: 'string', value: 'NAME', help: `${[...importanceCriteria.keys()].join(' | ')} (default ${d.criterion}); without recovery ${andList(forwardOnlyCriteria)} run on forward passes only` },
    selection: { type: 'string', value: selectionNames.join('|'), help: `default ${d.selection}; ${Object.entries(selections).map(([name, what]) => `${name}: ${what}`).join('; ')}` },
    'no-compensation': { type: 'boolean', help: 'flap: no bias compensation (the ablation; keeps the model\'s own bias layout)' },
    schedule: { type: 'string', value: scheduleNames.join('|'), help: `(default ${d.schedule})` },
    iterations: { type: 'string', value: 'K', help: `prune+recover steps of the iterative schedule (default ${d.iterations})` },
    'min-heads': { type: 'string', value: 'N', help: `heads kept per layer at least (default ${d.minHeads})` },
    'min-mlp-width': { type: 'string', value: 'N', help: `MLP neurons kept per layer at least (default ${d.minMlpWidth})` },
    'round-mlp-to': { type: 'string', value: 'N', help: `kept MLP width rounded up to a multiple of N (default ${d.roundMlpTo})` },
    'calibration-samples': { type: 'string', value: 'N', help: `sequences for taylor / activation (default ${d.calibrationSamples})` },
    seed: { type: 'string', value: 'N', help: `seed of the random criterion and recovery (default ${d.seed})` },
    recover: { type: 'string', value: 'corpus:NAME|self|none', default: 'none', help: `recovery fine-tuning after each step (NAME = ${corpusNames.join(' | ')} | all; self = on sequences the dense model samples before pruning, with self calibration and perplexity; default none)` },
    'recover-samples': { type: 'string', value: 'N', default: '256', help: '--recover self: sequences of --block-size + 1 tokens sampled for recovery (default 256)' },
    'recover-steps': { type: 'string', value: 'N', help: 'updates per iteration (default 50)' },
    'recover-epochs': { type: 'string', value: 'E', help: 'instead of --recover-steps: epochs of the train split per iteration' },
    'batch-size': { type: 'string', value: 'N', default: '8', help: 'recovery batch (default 8)' },
    lr: { type: 'string', value: 'F', default: '3e-4', help: 'recovery learning rate (default 3e-4)' },
    'block-size': { type: 'string', value: 'T', default: '64', help: 'tokens per block (default 64)' },
    'eval-blocks': { type: 'string', value: 'N', default: '48', help: 'validation blocks for perplexity (default 48; 0 = no perplexity)' },
    data: { type: 'string', value: 'corpus:NAME|FILE|self', help: 'calibration / perplexity data when --recover none: a mini corpus, a .txt / .jsonl file, or samples of the model itself (default corpus:all for the mini models, self otherwise)' },
    layout: { type: 'string', value: saveLayouts.join('|'), default: 'auto', help: 'layout of the saved model (default auto)' },
    'no-cost': { type: 'boolean', help: 'skip the latency measurement' },
    out: { type: 'string', value: 'DIR', help: 'output folder (required unless --study)' },
    study: { type: 'string', value: studyNames.join('|'), help: 'run a study instead (no --out needed; the criteria ranking uses --target, default 0.3; --seed also seeds recovery)' },
    'recover-tokens': { type: 'string', value: 'N', default: '16384', help: 'study: total recovery budget per schedule (default 16384)' },
    'study-name': { type: 'string', value: 'NAME', help: 'study: name of its table' },
    'keep-iterations': { type: 'boolean', help: 'keep each iteration\'s plan and checkpoint under DIR/iterations/' },
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
  if (!o.out && !o.study) throw new UsageError(`--out DIR is required (or --study ${studyNames.join('|')})`);
  if (o.out) outDirArg(o.out, 'out');
  choiceArg(o.criterion, 'criterion', [...importanceCriteria.keys()]);
  choiceArg(o.of, 'of', sparsityOfNames);
  for (const g of o.groups?.split(',') ?? []) choiceArg(g, 'groups', unitKinds);
  choiceArg(o.selection, 'selection', selectionNames);
  choiceArg(o.schedule, 'schedule', scheduleNames);
  const layout = choiceArg(o.layout, 'layout', saveLayouts) as SaveLayout;
  choiceArg(o.study, 'study', studyNames);
  const overrides: Partial<Record<keyof PruneConfig, unknown>> = {
    target: num(o.target, 'target'), of: o.of, groups: o.groups?.split(','), criterion: o.criterion,
    selection: o.selection, schedule: o.schedule, iterations: num(o.iterations, 'iterations'),
    minHeads: num(o['min-heads'], 'min-heads'), minMlpWidth: num(o['min-mlp-width'], 'min-mlp-width'),
    roundMlpTo: num(o['round-mlp-to'], 'round-mlp-to'), calibrationSamples: num(o['calibration-samples'], 'calibration-samples'),
    seed: num(o.seed, 'seed'), compensation: o.criterion === 'flap' && !o['no-compensation'] ? 'bias' : undefined,
  };
  const target = resolvePruneTarget(Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<PruneConfig>);
  const cfg = target.config;
  const recoverSelf = o.recover === 'self';
  if (recoverSelf && o.data !== undefined && o.data !== 'self') throw new UsageError(`--recover self calibrates and measures on self-samples; --data ${o.data} cannot go with it`);
  const recoverCorpora = o.recover === 'none' || recoverSelf ? null : corpora(o.recover!, 'recover');
  const dataArg = recoverSelf ? 'self' : o.data ?? (isMiniModelId(positionals[0]!) ? 'corpus:all' : 'self');
  const dataSpec = parseCalibrationSpec(dataArg, '--data');
  const dataCorpora = recoverCorpora ?? (dataSpec.kind === 'corpus' ? dataSpec.corpora : corpusNames);
  const batch = num(o['batch-size'], 'batch-size')!, lr = num(o.lr, 'lr')!, evalBlocks = num(o['eval-blocks'], 'eval-blocks')!;

  const { model, tokenizer, dir: inputDir } = await openModel(positionals[0]!);
  if (o.study) return runStudy(o.study, model, tokenizer, overrides, {
    corpora: dataCorpora, blockSize: num(o['block-size'], 'block-size')!, recoveryTokens: num(o['recover-tokens'], 'recover-tokens')!,
    recoveryBatch: batch, recoveryLr: lr, evalBlocks, seed: num(o.seed, 'seed') ?? 0,
  }, o['study-name']);
  const out = resolve(o.out!);
  if (existsSync(out) && !statSync(out).isDirectory()) throw new Error(`--out ${o.out}: is a file; expected a folder (created when missing)`);
  if (!recoverSelf && recoverCorpora === null && cfg.schedule === 'one-shot' && (forwardOnlyCriteria.includes(cfg.criterion) || dataSpec.kind !== 'corpus')) {
    const gguf = ggufFileOf(inputDir);
    const dtype = gguf ? dtypeNote(new Set([...readGguf(gguf).tensors.values()].map((t) => t.dtype))) : weightsDtype(inputDir);
    return pruneWithoutRecovery({ modelArg: positionals[0]!, model, tokenizer, target, data: dataSpec, dataArg, blockSize: num(o['block-size'], 'block-size')!,
      evalBlocks, out, layout: o.layout as 'hf' | 'lab' | 'auto',
      save: { dtype: dtype.save, note: dtype.note, gguf, inputDir, tokenizerFiles: gguf ? [] : TOKENIZER_FILES.map((f) => join(inputDir, f)).filter((p) => existsSync(p)) } });
  }
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
  const iterations = target.fractions.length;
  const blockSize = num(o['block-size'], 'block-size')!, recoverSamples = num(o['recover-samples'], 'recover-samples')!;
  // --recover self: every sample is drawn here, from the dense model, before anything is pruned.
  const selfData = recoverSelf ? await selfRecoveryData(model, tokenizer, { blockSize, samples: cfg.calibrationSamples, evalBlocks, seed: cfg.seed, trainSamples: recoverSamples }) : null;
  const data = selfData ?? await recoveryData(recovery, tokenizer, model.config.maxPositions, cfg.calibrationSamples, null);
  // Per-block losses of the dense model and of the last pruned / recovered one, for intervals and paired ratios.
  const losses: Partial<Record<'base' | 'pruned' | 'recovered', BlockLoss[]>> = {};
  const progress = createProgress({ label: `prune ${positionals[0]}`, total: iterations, unit: 'iteration', intervalMs: 0 });
  const res = await pruneAndRecover(model, tokenizer, {
    prune: target, recovery, recover: recoverCorpora !== null || recoverSelf, steps, measure: evalBlocks > 0,
    evaluate: async (m, at) => pooledPerplexity(losses[at.stage] = await heldOutBlockLosses(m, data.validation)),
    run: { seed: cfg.seed, saveEvery: 0, logEvery: 10, resume: true, handleSigint: true },
    recipe: { model: positionals[0], recover: o.recover, recovery, steps, ...(recoverSelf ? { recoverSamples } : {}) },
    onIteration: (k, n) => progress.tick(1, `iteration ${k}/${n}`),
  }, work, null, data);
  progress.done();
  const { model: pruned, log } = res;
  const after: ModelCost = await measureCost(pruned, costOpts);

  // The result is a Hugging Face model folder at OUT: weights in the input's dtype, config, tokenizer.
  const gguf = ggufFileOf(inputDir);
  const dtype = gguf ? dtypeNote(new Set([...readGguf(gguf).tensors.values()].map((t) => t.dtype))) : weightsDtype(inputDir);
  const tokenizerFiles = gguf ? [] : TOKENIZER_FILES.map((f) => join(inputDir, f)).filter((p) => existsSync(p));
  const saved = await saveModel(pruned, out, { layout, dtype: dtype.save, tokenizerFiles });
  if (gguf) saveGgufTokenizer(gguf, out);        // the GGUF's sentencepiece vocabulary, as tokenizer.gguf
  else if (!tokenizerFiles.length) saveTokenizer(inputDir, out);
  const T = data.blockSize;
  const dataNote = selfData
    ? { recovery: `self: ${data.train.length} sequences of ${T + 1} tokens sampled from the dense model before pruning (seeds ${cfg.seed + SELF_RECOVERY_SEEDS}..; ${selfData.droppedDuplicates} equal to a held-out sample dropped)`,
      calibration: `self: ${data.calibration.length} samples (seeds ${cfg.seed}..)`, heldOut: `self: ${data.validation.length} samples (seeds ${cfg.seed + SELF_HELD_OUT_SEEDS}..)` }
    : { recovery: recoverCorpora ? `corpus:${recoverCorpora.join('+')}: ${data.train.length} train blocks of ${T} tokens` : 'none',
      calibration: `corpus:${dataCorpora.join('+')}: ${data.calibration.length} train blocks`, heldOut: `corpus:${dataCorpora.join('+')}: ${data.validation.length} validation blocks` };
  const stage = (k: 'pruned' | 'recovered') => {
    const b = losses.base, x = losses[k];
    return b && x ? { perplexity: pooledPerplexity(x), ...intervals(b, x) } : null;
  };
  const perplexity = losses.base
    ? { blocks: losses.base.length, tokens: losses.base.reduce((a, b) => a + b.tokens, 0), dense: pooledPerplexity(losses.base), pruned: stage('pruned'), recovered: stage('recovered') }
    : null;
  writeJsonAtomic(join(out, 'prune_summary.json'), {
    model: positionals[0], data: { ...dataNote, blockSize: T, steps: res.steps, batchSize: batch, lr, recoveryTokens: res.recoveryTokens }, perplexity,
    log, cost: { before, after }, saved: { layout: saved.layout, reason: saved.reason, dtype: dtype.note },
    iterations: o['keep-iterations'] ? 'iterations/' : null,
  });
  if (!o['keep-iterations']) rmSync(work, { recursive: true, force: true });

  const f = (x: number | null, d = 2) => (x === null ? '-' : x.toFixed(d));
  console.log(textTable(['iter', 'target', 'params', 'sparsity (total)', 'sparsity (non-emb)', 'sparsity (pruned units)', 'ppl pruned', 'ppl recovered'],
    log.iterations.map((it) => [it.iteration, f(it.target, 3), it.parameters.total, f(it.sparsity.total, 3), f(it.sparsity.nonEmbedding, 3), f(it.sparsity.pruned, 3), f(it.metricPruned), f(it.metricRecovered)])));
  if (log.metricBase !== null) console.log(`base perplexity ${log.metricBase.toFixed(2)} (held-out, ${res.data.validation.length} blocks of ${res.data.blockSize} tokens)`);
  const ci = (x: readonly [number, number] | undefined) => (x ? ` [${x[0].toFixed(2)}, ${x[1].toFixed(2)}]` : '');
  for (const k of ['pruned', 'recovered'] as const) {
    const p = perplexity?.[k];
    if (p) console.log(`${k} (last iteration) ${p.perplexity.toFixed(2)}${ci(p.prunedCi)}; / dense ${p.ratio ? `${p.ratio.value.toFixed(3)}${ci([p.ratio.ciLow, p.ratio.ciHigh])}` : '-'} (95% intervals, paired on the same blocks)`);
  }
  console.log(`data: recovery ${dataNote.recovery}; calibration ${dataNote.calibration}; held-out ${dataNote.heldOut}`);
  const row = (name: string, c: ModelCost) => [name, c.parameters.total, (c.flopsPerToken.total / 1e6).toFixed(2),
    ...[1, 8].map((b) => { const l = c.latency.find((x) => x.batch === b); return l ? `${l.ms.toFixed(1)} ms` : '-'; }),
    ...[c.latency.at(-1)].map((l) => (l ? `${(l.peakBytes / 2 ** 20).toFixed(1)} MiB` : '-'))];
  console.log(textTable(['model', 'params', 'MFLOP/token', 'fwd b1', 'fwd b8', 'peak act. mem'], [row('before', before), row('after', after)]));
  console.log(`saved ${o.out} (${saved.layout} layout, ${saved.reason}; ${dtype.note}${o['keep-iterations'] ? `; iterations in ${join(o.out!, 'iterations')}` : ''})`);   // paths as typed
  return 0;
}

/** Tokenizer files copied next to the pruned weights when the input folder has them. */
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'vocab.json', 'merges.txt', 'special_tokens_map.json', 'added_tokens.json'];

/** The input's weight dtype and the dtype the result is saved in (F16 stays F16; BF16 has no writer: F32). */
function weightsDtype(dir: string): { save: 'float32' | 'float16'; note: string } {
  const ck = openCheckpoint(dir);
  try {
    return dtypeNote(new Set([...ck.entries.values()].map((e) => e.dtype)));
  } finally {
    ck.close();
  }
}

/** The dtype the pruned weights are saved in: the input's when it is F16 or F32 throughout. */
function dtypeNote(dtypes: ReadonlySet<string>): { save: 'float32' | 'float16'; note: string } {
  if (dtypes.size === 1 && dtypes.has('F16')) return { save: 'float16', note: 'F16 as the input' };
  if (dtypes.size === 1 && dtypes.has('F32')) return { save: 'float32', note: 'F32 as the input' };
  return { save: 'float32', note: `F32 (input weights are ${[...dtypes].join('+')}; saved exactly as float32)` };
}

async function runStudy(
  study: string, model: LanguageModel, tokenizer: Tokenizer, overrides: Partial<Record<keyof PruneConfig, unknown>>,
  cfg: Partial<PruneStudyConfig>, name?: string,
): Promise<number> {
  const prune = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<PruneConfig>;
  await studies[study]!(model, tokenizer, { ...cfg, prune }, name);
  return 0;
}
