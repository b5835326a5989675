/**
 * A character tokenizer over a small alphabet for eval tests on tiny models: id = index of the
 * character in ALPHABET, EOS = last id. Exact and obvious, so hand-worked token lists are easy.
 */
import { type Tokenizer } from '../../kernel-lib/index.ts';

export const ALPHABET = ' abcdefghijklmnopqrstuvwxyz.?:\nABCD';

export function charTokenizer(): Tokenizer {
  const eos = ALPHABET.length;
  return {
    source: 'test:alphabet', fingerprint: 'alphabet-v1', vocabSize: eos + 1, eosTokenId: eos, bosTokenId: null, padTokenId: null,
    encode: (text) => [...text].map((ch) => {
      const i = ALPHABET.indexOf(ch);
      if (i < 0) throw new Error(`charTokenizer: '${ch}' not in the alphabet`);
      return i;
    }),
    decode: (ids) => ids.map((i) => (i === eos ? '<eos>' : ALPHABET[i]!)).join(''),
    tokens: (ids) => ids.map((i) => (i === eos ? '<eos>' : ALPHABET[i]!)),
  };
}
