/** A character-level tokenizer for data tests: id = UTF-16 code unit + 1, EOS = 0. Exact and obvious. */
import { type Tokenizer } from '../../kernel-lib/index.ts';

export function fakeTokenizer(): Tokenizer {
  return {
    source: 'test:chars', fingerprint: 'fake-chars-v1', vocabSize: 65537, eosTokenId: 0, bosTokenId: null, padTokenId: null,
    encode: (text) => Array.from({ length: text.length }, (_, i) => text.charCodeAt(i) + 1),
    decode: (ids) => ids.map((i) => (i === 0 ? '<|endoftext|>' : String.fromCharCode(i - 1))).join(''),
    tokens: (ids) => ids.map((i) => (i === 0 ? '<|endoftext|>' : String.fromCharCode(i - 1))),
  };
}
