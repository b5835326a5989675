/**
 * `lab finetune MODEL --data mixture|corpus:NAME --steps N [--lr X --batch-size B --accum K
 *  --schedule cosine|linear|constant --warmup W --eval-every E --save-every S --resume] --out DIR`
 *
 * Fine-tunes MODEL (hub id, folder or `mini`) and saves the result to DIR (Hugging Face layout).
 * `--data corpus:NAME` trains on an embedded corpus's train split (NAME = sotu | moby-dick | all;
 * loss on every token), validating on its validation split; `--data mixture` on the multi-task
 * mixture of the fine-tuning sources found in `--data-dir` (default: the generated mini data),
 * loss on target tokens, validating on the mixture's held-out rows. Metrics go to
 * results/runs/<run-id>/ (or `--run-dir`); with `--save-every`, Ctrl-C saves a checkpoint and
 * `--resume` continues it exactly.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { openModel } from './open-model.ts';
import { corpusNames, type CorpusName } from '../data/corpora.ts';
import { corpusBlocks } from '../prune/study/corpus-blocks.ts';
import { generateMiniData } from '../mini/generate-mini-data.ts';
import { saveModel } from '../model/save-model.ts';
import { saveTokenizer } from '../tokenizer/save-tokenizer.ts';
import { finetune } from '../train/finetune.ts';
import { multitaskData } from '../train/multitask.ts';
import type { TrainConfig } from '../train/train-config.ts';
import type { ScheduleName } from '../train/schedules.ts';
import { numberFlagOr as num } from './number-flag.ts';

export const summary = 'fine-tune a model on the multi-task mixture or a corpus (AdamW, schedules, checkpoints, resume)';

const HELP = `usage: lab finetune MODEL --data mixture|corpus:NAME --steps N --out DIR [options]
  --data mixture|corpus:NAME   NAME = ${corpusNames.join(' | ')} | all
  --data-dir DIR        fine-tuning sources for --data mixture (default: the generated mini data)
  --steps N             optimizer updates (required)
  --lr X                peak learning rate (default 1e-4)
  --batch-size B        blocks per micro-batch (default 4)
  --accum K             micro-batches per update (default 1)
  --block-size T        tokens per block (default: the model's context length)
  --schedule S          constant | linear | cosine (default linear)
  --warmup W            warmup updates (default 0)
  --weight-decay X      decoupled weight decay (default 0.01)
  --eval-every E        validation loss every E updates (default 0: at the end)
  --eval-blocks N       validation blocks per evaluation (default 32)
  --save-every S        checkpoint every S updates (default 0: none)
  --seed N              seed (default 0)
  --no-dropout          train without dropout
  --run-id ID           results/runs/<ID> (default: a hash of config and model)
  --run-dir DIR         explicit run folder
  --resume              continue the run folder's checkpoint
  --out DIR             where the fine-tuned model is saved (required)
  --dtype float32|float16  stored weights (default float32)`;


export async function run(argv: string[]): Promise<number> {
  const { values: o, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      data: { type: 'string' }, 'data-dir': { type: 'string' }, steps: { type: 'string' }, lr: { type: 'string' },
      'batch-size': { type: 'string' }, accum: { type: 'string' }, 'block-size': { type: 'string' }, schedule: { type: 'string' },
      warmup: { type: 'string' }, 'weight-decay': { type: 'string' }, 'eval-every': { type: 'string' }, 'eval-blocks': { type: 'string' },
      'save-every': { type: 'string' }, seed: { type: 'string' }, 'no-dropout': { type: 'boolean', default: false },
      'run-id': { type: 'string' }, 'run-dir': { type: 'string' }, resume: { type: 'boolean', default: false },
      out: { type: 'string' }, dtype: { type: 'string', default: 'float32' }, help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (o.help) { console.log(HELP); return 0; }
  if (positionals.length !== 1) { console.error(HELP); return 2; }
  if (!o.data) throw new Error('--data is required: mixture or corpus:NAME');
  if (!o.steps) throw new Error('--steps is required');
  if (!o.out) throw new Error('--out is required');
  if (o.dtype !== 'float32' && o.dtype !== 'float16') throw new Error(`--dtype: expected float32 or float16, got '${o.dtype}'`);
  const corpusMatch = /^corpus:(.+)$/.exec(o.data);
  if (o.data !== 'mixture' && !corpusMatch) throw new Error(`--data: expected mixture or corpus:NAME, got '${o.data}'`);
  let corpora: readonly CorpusName[] | null = null;
  if (corpusMatch) {
    const name = corpusMatch[1]!;
    if (name !== 'all' && !corpusNames.includes(name as CorpusName)) throw new Error(`--data: unknown corpus '${name}' (known: ${corpusNames.join(', ')}, all)`);
    corpora = name === 'all' ? corpusNames : [name as CorpusName];
  }
  const evalBlocks = num(o['eval-blocks'], 'eval-blocks', 32);
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
    { describe: { model: positionals[0], modelDir: dir, data: o.data, blockSize: T } });
  if (log.stoppedBy === 'interrupt') {
    console.error(`[finetune] interrupted at update ${log.stepsDone}: checkpoint in ${log.runDir}; rerun with --resume (and the same options) to continue`);
    return 130;
  }
  const out = resolve(o.out);
  await saveModel(tuned, out, { dtype: o.dtype });
  try { saveTokenizer(dir, out); } catch (e) { console.error(`[finetune] tokenizer files not copied: ${e instanceof Error ? e.message : e}`); }
  console.log(JSON.stringify({ out, runDir: log.runDir, steps: log.stepsDone, stoppedBy: log.stoppedBy, tokensSeen: log.tokensSeen, finalTrainLoss: log.finalTrainLoss, finalValLoss: log.finalValLoss, bestValLoss: log.bestValLoss }));
  return 0;
}
