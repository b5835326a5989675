/**
 * Corpus text -> fixed-length training/evaluation blocks and calibration sequences for the pruning
 * studies (H-data's corpora, token cache and packing; documents EOS-separated, remainder dropped).
 * Tokens come from the on-disk token cache: tokenizing the whole train split takes ~50 s once.
 */
import type { Tokenizer } from '../tokenizer/types.ts';
import { loadCorpus, corpusSplitDefaults, type CorpusName, type CorpusSplit } from './corpora.ts';
import { cachedTokens } from './token-cache.ts';
import { packBlocks, type Block, type TokenizedRecord } from './packing.ts';
import { documentBlocks, type DocumentBlock } from './document-blocks.ts';

export interface CorpusBlocksOptions {
  readonly corpora?: readonly CorpusName[];  // default: every embedded corpus
  readonly blockSize: number;                 // T tokens of input per block (block ids hold T+1)
  readonly maxBlocks?: number;                // stop after this many (0 / undefined = all)
}

/** The split's documents as token records (one per document, from the token cache). */
async function splitRecords(tokenizer: Tokenizer, split: CorpusSplit, opts: Pick<CorpusBlocksOptions, 'corpora'>, who: string): Promise<() => Generator<TokenizedRecord>> {
  const docs = loadCorpus(split, opts.corpora ? { corpora: opts.corpora } : {});
  if (!docs.length) throw new Error(`${who}: the ${split} split of ${opts.corpora?.join(', ') ?? 'the corpora'} has no documents`);
  const corpora = opts.corpora ?? corpusSplitDefaults.corpora;
  const cached = await cachedTokens(tokenizer,
    { source: `corpus:${[...corpora].sort().join('+')}/${split}`, formatterVersion: 1, extra: { split: corpusSplitDefaults, ids: docs.map((d) => d.id) } },
    () => docs.map((d) => ({ text: d.text })));
  return cached.records;
}

/** The split as one packed stream of blocks (documents EOS-separated; training data). */
export async function corpusBlocks(tokenizer: Tokenizer, split: CorpusSplit, opts: CorpusBlocksOptions): Promise<Block[]> {
  const records = await splitRecords(tokenizer, split, opts, 'corpusBlocks');
  const out: Block[] = [];
  for await (const b of packBlocks(records(), { tokenizer, blockSize: opts.blockSize, dropRemainder: true })) {
    out.push(b);
    if (opts.maxBlocks && out.length >= opts.maxBlocks) break;
  }
  return out;
}

/** Held-out blocks drawn round-robin across the split's documents, each tagged with its document (data/document-blocks.ts). */
export async function corpusDocumentBlocks(tokenizer: Tokenizer, split: CorpusSplit, opts: CorpusBlocksOptions): Promise<DocumentBlock[]> {
  const records = await splitRecords(tokenizer, split, opts, 'corpusDocumentBlocks');
  return documentBlocks(records(), { tokenizer, blockSize: opts.blockSize, maxBlocks: opts.maxBlocks ?? 0 });
}

/** Calibration sequences (ids [T+1]) from blocks, `n` of them spread evenly over the list. */
export function calibrationFrom(blocks: readonly Block[], n: number): Int32Array[] {
  if (!blocks.length) return [];
  const step = Math.max(1, Math.floor(blocks.length / n));
  return blocks.filter((_, i) => i % step === 0).slice(0, n).map((b) => b.ids);
}
