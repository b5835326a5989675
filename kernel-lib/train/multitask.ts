/**
 * Multi-task fine-tuning as the study does it for GPT-2 and OLMo-1B: the five fine-tuning sources
 * (SIQA, PIQA, OpenBookQA, HotpotQA, BillSum) combined into one mixture (data/mixture.ts), each
 * record formatted as prompt -> target, packed into blocks with the loss on target tokens only
 * (data/packing.ts), then `finetune`. The mixture's held-out rows give the validation loss.
 * The same function serves the `mini` profile (dataDir = the generated mini data folder) and the
 * `paper` profile (dataDir = the real files).
 */
import type { LanguageModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import { buildMixture, type MixtureConfig, type MixturePlanRow } from '../data/mixture.ts';
import { packBlocks, type Block } from '../data/packing.ts';
import type { FormatConfig } from '../data/formatters.ts';
import { finetune, type FinetuneLog, type FinetuneOptions } from './finetune.ts';
import type { TrainConfig } from './train-config.ts';

export interface MultitaskConfig {
  readonly dataDir: string;                    // folder of the sources' files (mini data folder or real data)
  readonly mixture: Partial<MixtureConfig>;    // sources, strategy, rows, seed (data/mixture.ts defaults otherwise)
  readonly blockSize: number;                  // tokens per packed block; 0 = the model's context length
  readonly format: Partial<FormatConfig>;      // token budgets of the HotpotQA / BillSum formatters
  readonly validationBlocks: number;           // held-out blocks used for the validation loss (0 = all)
  readonly train: Partial<TrainConfig>;        // the fine-tuning hyperparameters (train-config.ts defaults otherwise)
}

export const multitaskDefaults: MultitaskConfig = {
  dataDir: '',
  mixture: {},
  blockSize: 0,
  format: {},
  validationBlocks: 32,
  train: { steps: 200, batchSize: 4, lr: 1e-4, schedule: 'linear', warmupSteps: 10, evalEvery: 50 },
};

export interface MultitaskData {
  readonly train: Block[];
  readonly validation: Block[];
  readonly plan: readonly MixturePlanRow[];
  readonly blockSize: number;
}

async function collect(gen: AsyncGenerator<Block>, max = 0): Promise<Block[]> {
  const out: Block[] = [];
  for await (const b of gen) { out.push(b); if (max > 0 && out.length >= max) break; }
  return out;
}

/** The packed train blocks and held-out validation blocks of the mixture. */
export async function multitaskData(model: LanguageModel, tokenizer: Tokenizer, config: Partial<MultitaskConfig>): Promise<MultitaskData> {
  const c = { ...multitaskDefaults, ...config };
  if (!c.dataDir) throw new Error('multitaskFinetune: config.dataDir is required (the folder of the fine-tuning sources)');
  const T = c.blockSize || model.config.maxPositions;
  if (T > model.config.maxPositions) throw new Error(`multitaskFinetune: config.blockSize ${T} exceeds the model's context length ${model.config.maxPositions}`);
  const context = { tokenizer, format: c.format };
  const mixture = await buildMixture(c.mixture, { dataDir: c.dataDir, context });
  const train = await collect(packBlocks(mixture.train(), { tokenizer, blockSize: T }));
  const validation = await collect(packBlocks(mixture.validation(), { tokenizer, blockSize: T }), c.validationBlocks);
  return { train, validation, plan: mixture.plan, blockSize: T };
}

/**
 * Fine-tunes `model` on the multi-task mixture; returns the new model, the training log and the
 * mixture plan (rows per source). The input model is untouched.
 */
export async function multitaskFinetune(
  model: LanguageModel, tokenizer: Tokenizer, config: Partial<MultitaskConfig>, opts: FinetuneOptions = {},
): Promise<{ model: LanguageModel; log: FinetuneLog; plan: readonly MixturePlanRow[] }> {
  const c = { ...multitaskDefaults, ...config, train: { ...multitaskDefaults.train, ...config.train } };
  const data = await multitaskData(model, tokenizer, c);
  const { model: tuned, log } = await finetune(model, { train: data.train, validation: data.validation }, c.train, {
    ...opts, describe: { ...opts.describe, task: 'multitask', dataDir: c.dataDir, mixture: data.plan, blockSize: data.blockSize, trainBlocks: data.train.length, validationBlocks: data.validation.length },
  });
  return { model: tuned, log, plan: data.plan };
}
