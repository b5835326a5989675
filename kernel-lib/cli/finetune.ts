/**
 * `lab finetune MODEL --data mixture|corpus:NAME --steps N [--lr X --batch-size B --accum K
 *  --schedule cosine|linear|constant --warmup W --eval-every E --save-every S --resume --replicas N
 *  --engine ort|tfjs] --out DIR`
 *
 * Fine-tunes MODEL (hub id, folder or `mini`) and saves the result to DIR (Hugging Face layout).
 * `--data corpus:NAME` trains on an embedded corpus's train split (NAME = sotu | moby-dick | all;
 * loss on every token), validating on its validation split; `--data mixture` on the multi-task
 * mixture of the fine-tuning sources found in `--data-dir` (default: the generated mini data),
 * loss on target tokens, validating on the mixture's held-out rows. Metrics go to
 * results/runs/<run-id>/ (or `--run-dir`); with `--save-every`, Ctrl-C saves a checkpoint and
 * `--resume` continues it exactly.
 */
import { parseEngine } from '../runtime/engine-env.ts';
import { openModel } from './open-model.ts';
import { corpusNames, type CorpusName } from '../data/corpora.ts';
import { corpusBlocks } from '../data/corpus-blocks.ts';
import { generateMiniData } from '../mini/generate-mini-data.ts';
import { saveModel } from '../model/save-model.ts';
import { saveTokenizer } from '../tokenizer/save-tokenizer.ts';
import { finetune } from '../train/finetune.ts';
import { multitaskData } from '../train/multitask.ts';
import type { TrainConfig } from '../train/train-config.ts';
import type { ScheduleName } from '../train/schedules.ts';
import { numberFlagOr as num } from './number-flag.ts';
import { choiceArg, helpText, inDirArg, numberArg, outDirArg, parseCommand, UsageError, type CommandSpec } from './args.ts';

export const summary = 'fine-tune a model on the multi-task mixture or a corpus (AdamW, schedules, checkpoints, resume)';

export const spec = {
  name: 'lab finetune',
  usage: 'MODEL --data mixture|corpus:NAME --steps N --out DIR [options]',
  description: 'Fine-tunes MODEL and saves it to DIR (Hugging Face layout). Metrics go to results/runs/<run-id>/ (or --run-dir);\n'
    + 'with --save-every, Ctrl-C saves a checkpoint and --resume continues it exactly.',
  positionals: { min: 1, max: 1, names: ['MODEL'] },
  flags: {
    data: { type: 'string', value: 'mixture|corpus:NAME', help: `training data: the multi-task mixture, or a corpus (NAME = ${corpusNames.join(' | ')} | all)` },
    'data-dir': { type: 'string', value: 'DIR', help: 'fine-tuning sources for --data mixture (default: the generated mini data)' },
    steps: { type: 'string', value: 'N', help: 'optimizer updates (required)' },
    lr: { type: 'string', value: 'X', help: 'peak learning rate (default 1e-4)' },
    'batch-size': { type: 'string', value: 'B', help: 'blocks per micro-batch (default 4)' },
    accum: { type: 'string', value: 'K', key: 'accumulation', help: 'micro-batches per update (default 1)' },
    'block-size': { type: 'string', value: 'T', help: 'tokens per block (default: the model\'s context length)' },
    schedule: { type: 'string', value: 'S', help: 'constant | linear | cosine (default linear)' },
    warmup: { type: 'string', value: 'W', key: 'warmupSteps', help: 'warmup updates (default 0)' },
    'weight-decay': { type: 'string', value: 'X', help: 'decoupled weight decay (default 0.01)' },
    'eval-every': { type: 'string', value: 'E', help: 'validation loss every E updates (default 0: at the end)' },
    'eval-blocks': { type: 'string', value: 'N', help: 'validation blocks per evaluation (default 32)' },
    'save-every': { type: 'string', value: 'S', help: 'checkpoint every S updates (default 0: none)' },
    seed: { type: 'string', value: 'N', help: 'seed (default 0)' },
    'no-dropout': { type: 'boolean', key: 'dropout', help: 'train without dropout' },
    'run-id': { type: 'string', value: 'ID', help: 'results/runs/<ID> (default: a hash of config and model)' },
    'run-dir': { type: 'string', value: 'DIR', help: 'explicit run folder' },
    resume: { type: 'boolean', help: 'continue the run folder\'s checkpoint' },
    out: { type: 'string', value: 'DIR', help: 'where the fine-tuned model is saved (required)' },
    dtype: { type: 'string', value: 'float32|float16', default: 'float32', help: 'stored weights (default float32)' },
    replicas: { type: 'string', value: 'N', help: 'data-parallel replicas on wasm, one core each, for the tfjs engine (default LAB_TRAIN_REPLICAS, else 1)' },
    engine: { type: 'string', value: 'ort|tfjs', help: 'gradients on ONNX Runtime or tfjs (default LAB_TRAIN_ENGINE, else ort where onnxruntime-node loads and --replicas is not given)' },
  },
} as const satisfies CommandSpec;


export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (!parsed) { console.log(helpText(spec)); return 0; }
  const { values: o, positionals } = parsed;
  if (!o.data) throw new UsageError('--data is required: mixture or corpus:NAME');
  if (!o.steps) throw new UsageError('--steps is required');
  if (!o.out) throw new UsageError('--out is required');
  const outDir = outDirArg(o.out, 'out');
  choiceArg(o.dtype, 'dtype', ['float32', 'float16'] as const);
  choiceArg(o.schedule, 'schedule', ['constant', 'linear', 'cosine'] as const);
  if (o['data-dir'] !== undefined) inDirArg(o['data-dir'], 'data-dir');
  if (o['run-dir'] !== undefined) outDirArg(o['run-dir'], 'run-dir');
  const corpusMatch = /^corpus:(.+)$/.exec(o.data);
  if (o.data !== 'mixture' && !corpusMatch) throw new UsageError(`--data: expected mixture or corpus:NAME, got '${o.data}'`);
  let corpora: readonly CorpusName[] | null = null;
  if (corpusMatch) {
    const name = corpusMatch[1]!;
    if (name !== 'all' && !corpusNames.includes(name as CorpusName)) throw new UsageError(`--data: unknown corpus '${name}' (known: ${corpusNames.join(', ')}, all)`);
    corpora = name === 'all' ? corpusNames : [name as CorpusName];
  }
  const evalBlocks = num(o['eval-blocks'], 'eval-blocks', 32);
  const replicas = o.replicas === undefined ? undefined : numberArg(o.replicas, 'replicas', { integer: true, min: 1 });
  const engine = o.engine === undefined ? undefined : parseEngine(o.engine, '--engine');
  const train: Partial<TrainConfig> = {
    steps: num(o.steps, 'steps', 0), lr: num(o.lr, 'lr', 1e-4), batchSize: num(o['batch-size'], 'batch-size', 4),
    accumulation: num(o.accum, 'accum', 1), schedule: (o.schedule ?? 'linear') as ScheduleName, warmupSteps: num(o.warmup, 'warmup', 0),
    weightDecay: num(o['weight-decay'], 'weight-decay', 0.01), evalEvery: num(o['eval-every'], 'eval-every', 0),
    saveEvery: num(o['save-every'], 'save-every', 0), seed: num(o.seed, 'seed', 0), dropout: !o['no-dropout'],
    runId: o['run-id'] ?? '', runDir: o['run-dir'] ?? '', resume: o.resume,
  };
  const { model, tokenizer, dir } = await openModel(positionals[0]!);
  const T = num(o['block-size'], 'block-size', model.config.maxPositions);
  let data;
  if (corpora) {
    data = {
      train: await corpusBlocks(tokenizer, 'train', { corpora, blockSize: T }),
      validation: await corpusBlocks(tokenizer, 'validation', { corpora, blockSize: T, maxBlocks: evalBlocks }),
    };
  } else {
    const dataDir = o['data-dir'] ?? generateMiniData();
    data = await multitaskData(model, tokenizer, { dataDir, blockSize: T, validationBlocks: evalBlocks });
  }
  console.error(`[finetune] ${positionals[0]}: ${data.train.length} train blocks, ${data.validation.length} validation blocks of ${T} tokens`);
  const { model: tuned, log } = await finetune(model, { train: data.train, validation: data.validation }, train,
    { describe: { model: positionals[0], modelDir: dir, data: o.data, blockSize: T }, ...(replicas === undefined ? {} : { replicas }), ...(engine === undefined ? {} : { engine }) });
  if (log.stoppedBy === 'interrupt') {
    console.error(`[finetune] interrupted at update ${log.stepsDone}: checkpoint in ${log.runDir}; rerun with --resume (and the same options) to continue`);
    return 130;
  }
  const out = outDir;
  await saveModel(tuned, out, { dtype: o.dtype as 'float32' | 'float16' });
  try { saveTokenizer(dir, out); } catch (e) { console.error(`[finetune] tokenizer files not copied: ${e instanceof Error ? e.message : e}`); }
  console.log(JSON.stringify({ out, runDir: log.runDir, steps: log.stepsDone, stoppedBy: log.stoppedBy, tokensSeen: log.tokensSeen, seconds: +log.seconds.toFixed(2), finalTrainLoss: log.finalTrainLoss, finalValLoss: log.finalValLoss, bestValLoss: log.bestValLoss }));
  return 0;
}
