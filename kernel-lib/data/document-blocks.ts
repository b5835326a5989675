/**
 * Held-out blocks drawn across documents, each block tagged with the document it came from, so a
 * perplexity over them can treat the DOCUMENT as its sampling unit (stats/document-bootstrap.ts).
 * Each document is packed on its own (EOS, its tokens, its EOS; the partial last block dropped, so
 * a document shorter than T + 1 ids gives no block and no block spans two documents). The blocks
 * are then taken round-robin: block 0 of every document in document order, then block 1 of every
 * document that has one, and so on, until the wanted number of blocks. A fixed budget is thus
 * spread over as many documents as possible, with at most ceil(max / documents) blocks from any
 * one of them, instead of filling up on the first long documents of the split.
 */
import type { Tokenizer } from '../tokenizer/types.ts';
import { packBlocks, type Block, type PackRecord, type TokenizedRecord } from './packing.ts';

/** A block and the index (in the split's document order) of the document it was cut from. */
export interface DocumentBlock extends Block {
  readonly doc: number;
}

export interface DocumentBlocksOptions {
  readonly tokenizer: Tokenizer;
  readonly blockSize: number;   // T tokens of input per block (block ids hold T+1)
  /** Stop reading documents once this many have at least one block (0 = read them all). */
  readonly maxDocuments?: number;
}

/** The blocks of each document packed on its own, one array per document read (empty for a short one). */
export async function blocksPerDocument(
  records: Iterable<PackRecord | TokenizedRecord> | AsyncIterable<PackRecord | TokenizedRecord>, opts: DocumentBlocksOptions,
): Promise<Block[][]> {
  const out: Block[][] = [];
  let withBlocks = 0;
  for await (const r of records) {
    const blocks: Block[] = [];
    for await (const b of packBlocks([r], { tokenizer: opts.tokenizer, blockSize: opts.blockSize, dropRemainder: true })) blocks.push(b);
    out.push(blocks);
    if (blocks.length) withBlocks++;
    if (opts.maxDocuments && withBlocks >= opts.maxDocuments) break;
  }
  return out;
}

/** Round-robin over documents: block j of every document that has one, j = 0, 1, ..., until `max` blocks (0 = all). */
export function roundRobinBlocks(perDoc: readonly (readonly Block[])[], max: number): DocumentBlock[] {
  if (!Number.isInteger(max) || max < 0) throw new Error(`roundRobinBlocks: max must be an integer >= 0, got ${max}`);
  const out: DocumentBlock[] = [];
  const longest = Math.max(0, ...perDoc.map((b) => b.length));
  for (let j = 0; j < longest; j++) {
    for (const [doc, blocks] of perDoc.entries()) {
      const b = blocks[j];
      if (!b) continue;
      out.push({ ids: b.ids, mask: b.mask, doc });
      if (max > 0 && out.length >= max) return out;
    }
  }
  return out;
}

/** Blocks drawn across documents: blocksPerDocument (reading no more documents than `max` needs) then roundRobinBlocks. */
export async function documentBlocks(
  records: Iterable<PackRecord | TokenizedRecord> | AsyncIterable<PackRecord | TokenizedRecord>, opts: Omit<DocumentBlocksOptions, 'maxDocuments'> & { readonly maxBlocks: number },
): Promise<DocumentBlock[]> {
  return roundRobinBlocks(await blocksPerDocument(records, { tokenizer: opts.tokenizer, blockSize: opts.blockSize, maxDocuments: opts.maxBlocks }), opts.maxBlocks);
}

