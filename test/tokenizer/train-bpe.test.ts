import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byteAlphabet, trainByteLevelBpe, EOS_TOKEN } from '../../kernel-lib/tokenizer/train-bpe.ts';
import { createHfTokenizer, gpt2TokenizerFiles } from '../../kernel-lib/tokenizer/hf-tokenizer.ts';
import { loadTokenizer } from '../../kernel-lib/index.ts';

test('byte alphabet: GPT-2 bytes_to_unicode (space -> U+0120 "Ġ", newline -> U+010A "Ċ", "a" -> "a")', () => {
  const a = byteAlphabet();
  assert.equal(a.length, 256);
  assert.equal(new Set(a).size, 256);
  assert.equal(a[32], '\u0120');
  assert.equal(a[10], '\u010A');
  assert.equal(a[97], 'a');
  assert.equal(a[173], '\u0143'); // soft hyphen is the 68th non-printable byte: 256 + 67 = 323 = U+0143
  // the real GPT-2 vocabulary spells space and newline with these symbols (ids 220 and 198)
  const gpt2 = loadTokenizer('gpt2');
  assert.deepEqual(gpt2.tokens([220, 198]), ['\u0120', '\u010A']);
});

test('training: merges derived by hand on "abab abab"', () => {
  // words: "abab" x1 -> a b a b ; " abab" x1 -> Ġ a b a b
  // pairs: (a,b) 4, (b,a) 2, (Ġ,a) 1 -> merge "a b"; then (ab,ab) 2, (Ġ,ab) 1 -> "ab ab"; then (Ġ,abab) 1
  const v = trainByteLevelBpe(['abab abab'], 260);
  assert.deepEqual(v.merges, ['a b', 'ab ab', 'Ġ abab']);
  assert.equal(v.vocab.ab, 256);
  assert.equal(v.vocab.abab, 257);
  assert.equal(v.vocab['Ġabab'], 258);
  assert.equal(v.vocab[EOS_TOKEN], 259);
  assert.equal(v.shortBy, 0);
  const tok = createHfTokenizer(gpt2TokenizerFiles(v.vocab, v.merges.join('\n'), 'test'), 'test');
  assert.deepEqual(tok.encode('abab abab'), [257, 258]);
  assert.deepEqual(tok.encode('ab'), [256]);
  assert.equal(tok.eosTokenId, 259);
  assert.equal(tok.decode(tok.encode('abab abab\nbaba')), 'abab abab\nbaba');
});

test('training: ties go to the pair seen first; running out of pairs is reported', () => {
  // "xy zw": (x,y) 1, (Ġ,z) 1, (z,w) 1 all tie -> corpus order: x y, Ġ z, then Ġz w
  const v = trainByteLevelBpe(['xy zw'], 300);
  assert.deepEqual(v.merges, ['x y', 'Ġ z', 'Ġz w']);
  assert.equal(v.shortBy, 300 - 257 - 3);
  assert.equal(v.vocab[EOS_TOKEN], 259);
  assert.throws(() => trainByteLevelBpe(['x'], 100), /vocabSize must be an integer >= 257/);
});

test('training: two merge paths that spell the same token share one id', () => {
  // whatever the merge order, every id from 0 to the end-of-text id is used exactly once
  const v = trainByteLevelBpe(['ab ab ab bc bc abc'], 400);
  const ids = Object.values(v.vocab).sort((x, y) => x - y);
  assert.deepEqual(ids, Array.from({ length: ids.length }, (_, i) => i), 'ids are contiguous from 0');
  assert.equal(ids.length, 256 + new Set(v.merges.map((m) => m.replace(' ', ''))).size + 1);
});
