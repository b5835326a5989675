/**
 * The recovery corpus of a pruning plan as packed blocks: training blocks, held-out validation
 * blocks (perplexity) and calibration sequences (Taylor / activation importance).
 *   mini:  the embedded corpora's train / validation documents (the WikiText-103 role);
 *   paper: WikiText-103 (document level) or a seeded N-row Wikipedia subset, through data/sources.
 */
import { corpusBlocks, corpusDocumentBlocks, calibrationFrom } from '../data/corpus-blocks.ts';
import { packBlocks, type Block } from '../data/packing.ts';
import { documentBlocks, type DocumentBlock } from '../data/document-blocks.ts';
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
  readonly evalBlocks: number;        // held-out validation blocks for perplexity (0 = all), drawn round-robin across documents
}

/**
 * How the validation blocks are drawn, for step keys: each document packed on its own, blocks taken
 * round-robin across documents and tagged with their document (data/document-blocks.ts). Before it,
 * the first `evalBlocks` blocks of one packed stream were used (the first two documents of the mini split).
 */
export const VALIDATION_DRAW = 'documents-round-robin';

export interface RecoveryData {
  readonly train: Block[];
  /** Held-out blocks; from a recovery corpus drawn round-robin across its documents, each with its document
   *  index (data/document-blocks.ts); other calibration sources (prune/calibration-data.ts) leave `doc` unset. */
  readonly validation: (Block & { readonly doc?: number })[];
  readonly calibration: Int32Array[];
  readonly blockSize: number;
}

type SourcePlan = RecoveryPlan & { corpus: { kind: 'source' } };

async function* sourceDocuments(plan: SourcePlan, tokenizer: Tokenizer, dataDir: string, split: string) {
  const source = getDataSource(plan.corpus.source);
  let rows = 0;
  for await (const r of sourceRecords(source, dataDir, split, { tokenizer, format: {} })) {
    if (plan.corpus.rows !== null && rows++ >= plan.corpus.rows) return;
    yield r;
  }
}

async function sourceBlocks(plan: SourcePlan, tokenizer: Tokenizer, dataDir: string, split: string): Promise<Block[]> {
  const out: Block[] = [];
  for await (const b of packBlocks(sourceDocuments(plan, tokenizer, dataDir, split), { tokenizer, blockSize: plan.blockSize, dropRemainder: true })) out.push(b);
  return out;
}

export async function recoveryData(plan: RecoveryPlan, tokenizer: Tokenizer, maxPositions: number, calibrationSamples: number, dataDir: string | null): Promise<RecoveryData> {
  const T = Math.min(plan.blockSize, maxPositions - 1);
  let train: Block[];
  let validation: DocumentBlock[];
  if (plan.corpus.kind === 'mini') {
    train = await corpusBlocks(tokenizer, 'train', { corpora: plan.corpus.corpora, blockSize: T });
    validation = await corpusDocumentBlocks(tokenizer, 'validation', { corpora: plan.corpus.corpora, blockSize: T, maxBlocks: plan.evalBlocks });
  } else {
    if (!dataDir) throw new Error(`recovery corpus ${plan.corpus.source}: needs a data folder (lab data download ${plan.corpus.source}; LAB_DATA_DIR)`);
    const p = { ...plan, blockSize: T } as SourcePlan;
    train = await sourceBlocks(p, tokenizer, dataDir, 'train');
    validation = await documentBlocks(sourceDocuments(p, tokenizer, dataDir, 'validation'), { tokenizer, blockSize: T, maxBlocks: plan.evalBlocks });
  }
  if (!train.length) throw new Error('recovery corpus: no training blocks');
  if (!validation.length) throw new Error('recovery corpus: no validation blocks');
  return { train, validation, calibration: calibrationFrom(train, calibrationSamples), blockSize: T };
}
