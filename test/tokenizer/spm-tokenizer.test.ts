// The sentencepiece-BPE tokenizer read from stories260K.gguf's metadata against an independent
// reference: llama2.c's encoder (run.c `encode`: dummy-prefix space, code points, byte fallback
// to id byte+3, then repeatedly merge the adjacent pair whose concatenation has the highest score,
// leftmost on ties), ported here as written there and run on llama2.c's own vocabulary export
// tok512.bin (pieces with plain spaces, float scores), not on the GGUF's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer } from '../../kernel-lib/index.ts';
import { createSpmTokenizer } from '../../kernel-lib/tokenizer/spm-tokenizer.ts';

const REAL = process.env.LAB_REAL_DATA;
const skip = REAL ? false : 'LAB_REAL_DATA unset: needs stories260K.gguf and tok512.bin';
const DIR = REAL ? join(REAL, 'stories260K') : '';

/** tok512.bin: i32 max_token_length, then per token f32 score, i32 length, bytes. */
function readTokBin(file: string): { pieces: Buffer[]; scores: number[] } {
  const b = readFileSync(file);
  const pieces: Buffer[] = [], scores: number[] = [];
  for (let o = 4; o < b.length;) {
    scores.push(b.readFloatLE(o)); const n = b.readInt32LE(o + 4); o += 8;
    pieces.push(b.subarray(o, o + n)); o += n;
  }
  return { pieces, scores };
}

/** run.c's encode(text, bos=0, eos=0), over byte strings. */
function llama2cEncode(text: string, pieces: Buffer[], scores: number[]): number[] {
  const lookup = new Map(pieces.map((p, i) => [p.toString('latin1'), i]));
  const find = (s: string) => lookup.get(s) ?? -1;
  const bytes = Buffer.from(text, 'utf8');
  const tokens: number[] = [];
  if (bytes.length) tokens.push(find(' '));
  for (let i = 0; i < bytes.length;) {
    let j = i + 1;
    while (j < bytes.length && (bytes[j]! & 0xc0) === 0x80 && j - i < 4) j++;
    const cp = bytes.subarray(i, j).toString('latin1'), id = find(cp);
    if (id !== -1) tokens.push(id); else for (const x of bytes.subarray(i, j)) tokens.push(x + 3);
    i = j;
  }
  for (;;) {
    let best = -1e10, bestId = -1, bestIdx = -1;
    for (let i = 0; i < tokens.length - 1; i++) {
      const id = find(pieces[tokens[i]!]!.toString('latin1') + pieces[tokens[i + 1]!]!.toString('latin1'));
      if (id !== -1 && scores[id]! > best) { best = scores[id]!; bestId = id; bestIdx = i; }
    }
    if (bestIdx === -1) break;
    tokens.splice(bestIdx, 2, bestId);
  }
  return tokens;
}

const TEXTS = [
  'Once upon a time, there was a little girl named Lily.',
  'Lily\'s mom said, "Lily, let\'s go to the park."\nThe end.',
  '  two leading spaces, and   three inside',
  'tab\there, café, naïve, 日本語, emoji 🙂 and a zero-width\u200aspace',
  'x', ' ', '\n\n', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 !?;:()[]{}',
  'the the the thethe tthhee mississippi bookkeeper',
];

test('stories260K GGUF tokenizer encodes as llama2.c\'s encoder does on tok512.bin, and decode inverts it', { skip }, () => {
  const tok = loadTokenizer(join(DIR, 'stories260K.gguf'));
  const { pieces, scores } = readTokBin(join(DIR, 'tok512.bin'));
  assert.equal(tok.vocabSize, pieces.length);
  for (const text of TEXTS) {
    const ids = tok.encode(text);
    assert.deepEqual(ids, llama2cEncode(text, pieces, scores), `encode ${JSON.stringify(text)}`);
    assert.equal(tok.decode(ids), text, `decode(encode(${JSON.stringify(text)}))`);
  }
  assert.deepEqual(tok.encode(''), []);
  assert.deepEqual(tok.tokens(tok.encode('Once upon')), ['\u2581Once', '\u2581upon']);
  // Special tokens written in the text are split out; the text after one gets the dummy prefix again.
  assert.deepEqual(tok.encode('<s>Once</s>'), [1, ...tok.encode('Once'), 2]);
  // Byte fallback: 🙂 (U+1F642) is not a piece, so it is written as its four UTF-8 bytes.
  assert.deepEqual(tok.tokens(tok.encode('🙂')), ['\u2581', '<0xF0>', '<0x9F>', '<0x99>', '<0x82>']);
});

test('merges follow scores, leftmost on ties, and unknown bytes fall back to <unk> without byte tokens', () => {
  const tok = createSpmTokenizer({
    source: 'inline', pieces: ['<unk>', '<s>', '</s>', '\u2581', 'a', 'b', 'ab', 'ba', '\u2581a'],
    scores: [0, 0, 0, -1, -1, -1, -5, -2, -9], types: [2, 3, 3, 1, 1, 1, 1, 1, 1],
    bosTokenId: 1, eosTokenId: 2, padTokenId: null, unkTokenId: 0, addSpacePrefix: true,
  });
  // "▁aba": candidates ▁a (-9), ab (-5), ba (-2): ba merges first, then ▁+a -> ▁a.
  assert.deepEqual(tok.tokens(tok.encode('aba')), ['\u2581a', 'ba']);
  // "▁abab": ba (-2) at positions 2 and... leftmost ba first, then remaining.
  assert.deepEqual(tok.tokens(tok.encode('abab')), ['\u2581a', 'ba', 'b']);
  assert.deepEqual(tok.encode('c'), [3, 0]);
  assert.equal(tok.decode([3, 4, 7]), 'aba');
});
