/**
 * Held-out blocks drawn across documents: each document packed on its own, taken round-robin, tagged with
 * its document. Hand-built records through the character tokenizer (id = code unit + 1, EOS = 0), then the
 * real mini validation split with the mini BPE tokenizer: the study's 48 blocks of 64 tokens come from at
 * least 20 documents, at most 2 from any one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadCorpus, loadTokenizer } from '../../kernel-lib/index.ts';
import { blocksPerDocument, documentBlocks, roundRobinBlocks } from '../../kernel-lib/data/document-blocks.ts';
import { corpusDocumentBlocks } from '../../kernel-lib/data/corpus-blocks.ts';
import { fakeTokenizer } from './fake-tokenizer.ts';

const ids = (s: string) => [0, ...Array.from(s, (c) => c.charCodeAt(0) + 1), 0];   // EOS, the text, EOS

test('each document is packed on its own: T = 3 gives blocks of 4 ids sharing one boundary id, the remainder dropped', async () => {
  const tok = fakeTokenizer();
  // "abcdefg": stream EOS a b c d e f g EOS (9 ids) -> blocks [EOS a b c], [c d e f]; "g EOS" dropped.
  // "xy": EOS x y EOS (4 ids) -> one block; "q": 3 ids -> none.
  const per = await blocksPerDocument([{ text: 'abcdefg' }, { text: 'q' }, { text: 'xy' }], { tokenizer: tok, blockSize: 3 });
  const s = ids('abcdefg');
  assert.deepEqual(per.map((d) => d.map((b) => Array.from(b.ids))), [[s.slice(0, 4), s.slice(3, 7)], [], [ids('xy')]]);
});

test('round-robin: block 0 of every document, then block 1, ...; each tagged with its document; max stops it', async () => {
  const tok = fakeTokenizer();
  const records = [{ text: 'abcdefghij' }, { text: 'q' }, { text: 'xyz' }, { text: 'klmnop' }];
  const per = await blocksPerDocument(records, { tokenizer: tok, blockSize: 2 });
  // ids per document: 12, 3, 5, 8 -> blocks of 3 ids stepping by 2: floor((n - 1) / 2) = 5, 1, 2, 3
  assert.deepEqual(per.map((d) => d.length), [5, 1, 2, 3]);
  const all = roundRobinBlocks(per, 0);
  assert.deepEqual(all.map((b) => b.doc), [0, 1, 2, 3, 0, 2, 3, 0, 3, 0, 0]);
  assert.deepEqual(Array.from(all[4]!.ids), ids('abcdefghij').slice(2, 5), 'the second block of document 0');
  assert.deepEqual(roundRobinBlocks(per, 6).map((b) => b.doc), [0, 1, 2, 3, 0, 2]);
  // documentBlocks reads only as many documents as the budget can use: 2 blocks -> the first 2 documents with blocks
  assert.deepEqual((await documentBlocks(records, { tokenizer: tok, blockSize: 2, maxBlocks: 2 })).map((b) => b.doc), [0, 1]);
  assert.throws(() => roundRobinBlocks(per, -1), /max must be an integer >= 0, got -1/);
});

test('the mini validation split: 48 blocks of 64 tokens from >= 20 documents, at most 2 each, none spanning two documents', async () => {
  const tok = loadTokenizer(join(import.meta.dirname, '..', '..', 'models', 'mini-bpe'));
  const corpora = ['sotu', 'moby-dick'] as const;
  const blocks = await corpusDocumentBlocks(tok, 'validation', { corpora, blockSize: 64, maxBlocks: 48 });
  assert.equal(blocks.length, 48);
  const counts = new Map<number, number>();
  for (const b of blocks) counts.set(b.doc, (counts.get(b.doc) ?? 0) + 1);
  assert.ok(counts.size >= 20, `blocks from ${counts.size} documents, expected >= 20`);
  assert.ok(Math.max(...counts.values()) <= 2, 'at most 2 blocks per document');
  // Only a document's first block starts at its leading EOS, and no block holds an EOS inside (documents are packed alone).
  const docs = loadCorpus('validation', { corpora });
  for (const b of blocks) {
    const inner = Array.from(b.ids.subarray(1, 64));
    assert.ok(!inner.includes(tok.eosTokenId), `a block of document ${b.doc} (${docs[b.doc]!.id}) holds an EOS inside: it spans two documents`);
  }
  const first = blocks.find((b) => b.doc === blocks[0]!.doc)!;
  assert.deepEqual(Array.from(first.ids.subarray(1, 11)), tok.encode(docs[first.doc]!.text).slice(0, 10), 'block 0 of a document is its first tokens after EOS');
});
