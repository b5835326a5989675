/**
 * The recovery corpus of a pruning plan as packed blocks: training blocks, held-out validation
 * blocks (perplexity) and calibration sequences (Taylor / activation importance).
 *   mini:  the embedded corpora's train / validation documents (the WikiText-103 role);
 *   paper: WikiText-103 (document level) or a seeded N-row Wikipedia subset, through data/sources.
 */
import { corpusBlocks, calibrationFrom } from '../data/corpus-blocks.ts';
import { packBlocks, type Block } from '../data/packing.ts';
import { getDataSource, sourceRecords } from '../data/data-sources.ts';
import type { CorpusName } from '../data/corpora.ts';
import type { Tokenizer } from '../tokenizer/types.ts';

/** Recovery fine-tuning after pruning (the WikiText-103 / Wikipedia role). */
export interface RecoveryPlan {
  readonly corpus: { readonly kind: 'mini'; readonly corpora: readonly CorpusName[] } | { readonly kind: 'source'; readonly source: 'wikitext103' | 'wikipedia'; readonly rows: number | null };
  readonly blockSize: number;         // tokens per block
  readonly tokens: number;            // recovery budget in tokens for the WHOLE schedule: one-shot spends it once,
                                      // iterative splits it evenly over its iterations (same budget for both)
  readonly epochsPerIteration: number | null; // paper: 3 epochs per iteration, as the write-up says (overrides tokens when set)
  readonly batchSize: number;
  readonly lr: number;
  readonly evalBlocks: number;        // held-out validation blocks for perplexity (0 = all)
}

export interface RecoveryData {
  readonly train: Block[];
  readonly validation: Block[];
  readonly calibration: Int32Array[];
  readonly blockSize: number;
}

async function sourceBlocks(plan: RecoveryPlan & { corpus: { kind: 'source' } }, tokenizer: Tokenizer, dataDir: string, split: string, max: number): Promise<Block[]> {
  const source = getDataSource(plan.corpus.source);
  const out: Block[] = [];
  let rows = 0;
  async function* limited() {
    for await (const r of sourceRecords(source, dataDir, split, { tokenizer, format: {} })) {
      if (plan.corpus.rows !== null && rows++ >= plan.corpus.rows) return;
      yield r;
    }
  }
  for await (const b of packBlocks(limited(), { tokenizer, blockSize: plan.blockSize, dropRemainder: true })) {
    out.push(b);
    if (max > 0 && out.length >= max) break;
  }
  return out;
}

export async function recoveryData(plan: RecoveryPlan, tokenizer: Tokenizer, maxPositions: number, calibrationSamples: number, dataDir: string | null): Promise<RecoveryData> {
  const T = Math.min(plan.blockSize, maxPositions - 1);
  let train: Block[];
  let validation: Block[];
  if (plan.corpus.kind === 'mini') {
    train = await corpusBlocks(tokenizer, 'train', { corpora: plan.corpus.corpora, blockSize: T });
    validation = await corpusBlocks(tokenizer, 'validation', { corpora: plan.corpus.corpora, blockSize: T, maxBlocks: plan.evalBlocks });
  } else {
    if (!dataDir) throw new Error(`recovery corpus ${plan.corpus.source}: needs a data folder (lab data download ${plan.corpus.source}; LAB_DATA_DIR)`);
    const p = { ...plan, blockSize: T } as RecoveryPlan & { corpus: { kind: 'source' } };
    train = await sourceBlocks(p, tokenizer, dataDir, 'train', 0);
    validation = await sourceBlocks(p, tokenizer, dataDir, 'validation', plan.evalBlocks);
  }
  if (!train.length) throw new Error('recovery corpus: no training blocks');
  if (!validation.length) throw new Error('recovery corpus: no validation blocks');
  return { train, validation, calibration: calibrationFrom(train, calibrationSamples), blockSize: T };
}
