import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoEncode } from '../../kernel-lib/eval/encode-memo.ts';
import { encodeRequest } from '../../kernel-lib/eval/encode-request.ts';
import { charTokenizer } from './char-tokenizer.ts';
import { type Tokenizer } from '../../kernel-lib/index.ts';

/** The char tokenizer under another fingerprint, counting its encode calls. */
function counted(fingerprint: string): { tok: Tokenizer; calls: string[] } {
  const base = charTokenizer();
  const calls: string[] = [];
  const tok = Object.assign(Object.create(base) as Tokenizer, { fingerprint, encode: (t: string) => { calls.push(t); return base.encode(t); } });
  return { tok, calls };
}

test('memoEncode: each text encoded once per tokenizer, same ids as encode, across calls', () => {
  const { tok, calls } = counted('fp-a');
  const plain = charTokenizer();
  const reqs = [['q: ab\n', ' yes'], ['q: ab\n', ' no'], ['q: ab\n', ' yes']] as const;
  const a = reqs.map(([c, x]) => encodeRequest(tok, c, x, memoEncode(tok)));
  assert.deepEqual(a, reqs.map(([c, x]) => encodeRequest(plain, c, x)));
  // 'q: ab' once, 'q: ab\n yes' once, 'q: ab\n no' once
  assert.deepEqual(calls.sort(), ['q: ab', 'q: ab\n no', 'q: ab\n yes']);
  memoEncode(tok)('q: ab');                       // a later call (the next checkpoint) hits the memo
  assert.equal(calls.length, 3);
});

test('memoEncode: separate per fingerprint, the two most recent tokenizers kept', () => {
  const a = counted('fp-1'), b = counted('fp-2'), c = counted('fp-3');
  memoEncode(a.tok)('x'); memoEncode(b.tok)('x');
  assert.equal(a.calls.length + b.calls.length, 2, 'another fingerprint encodes again');
  memoEncode(a.tok)('x');                         // fp-1 used again: now the most recent
  assert.equal(a.calls.length, 1);
  memoEncode(c.tok)('x');                         // three tokenizers: fp-2, the least recent, is dropped
  memoEncode(a.tok)('x');
  assert.equal(a.calls.length, 1, 'fp-1 kept');
  memoEncode(b.tok)('x');
  assert.equal(b.calls.length, 2, 'fp-2 encoded again');
});
