/**
 * Request encoding on hand-worked cases with the real GPT-2 tokenizer; expected ids
 * come from js-tiktoken's r50k_base (OpenAI's GPT-2 BPE, an independent encoder).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEncoding } from 'js-tiktoken';
import { loadTokenizer } from '../../kernel-lib/index.ts';
import { encodeRequest, truncateForModel } from '../../kernel-lib/eval/encode-request.ts';

const tok = loadTokenizer('gpt2');
const ref = getEncoding('r50k_base');
const enc = (s: string): number[] => ref.encode(s);

test('trailing whitespace of the context moves into the continuation (Python rstrip)', () => {
  // "Answer: " + "yes" -> ctx "Answer:", cont " yes": the space is re-joined to the word
  const a = encodeRequest(tok, 'Question: Is it?\nAnswer: ', 'yes');
  assert.deepEqual(a.context, enc('Question: Is it?\nAnswer:'));
  assert.deepEqual(a.continuation, enc(' yes'));
  assert.equal(a.continuation.length, 1);
  // newlines too: "\n\n" travels with the continuation
  const b = encodeRequest(tok, 'Title\n\n', 'Body');
  assert.deepEqual(b.context, enc('Title'));
  assert.deepEqual([...b.context, ...b.continuation], enc('Title\n\nBody'));
  // U+3000 is whitespace for Python's rstrip
  const c = encodeRequest(tok, 'x\u3000', 'y');
  assert.deepEqual(c.context, enc('x'));
});

test('continuation tokens are the tail of the joint encoding, sliced by the context length', () => {
  // "The cat" = [The][ cat]; "The cats are" = [The][ cats][ are]: cont = whole[2:] = [ are] (lm-eval slices by length)
  const r = encodeRequest(tok, 'The cat', 's are');
  assert.deepEqual(r.context, enc('The cat'));
  assert.equal(r.context.length, 2);
  assert.deepEqual(r.continuation, enc('The cats are').slice(2));
  assert.deepEqual(r.continuation, enc(' are'));
});

test('empty context -> [EOS 50256] and the continuation encoded alone', () => {
  const r = encodeRequest(tok, '', 'Hello world');
  assert.deepEqual(r.context, [50256]);
  assert.deepEqual(r.continuation, enc('Hello world'));
});

test('left truncation keeps the last maxLength + 1 tokens and drops the last one as input', () => {
  const req = { context: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], continuation: [11, 12] };
  assert.deepEqual(truncateForModel(req, 5), { input: [7, 8, 9, 10, 11], continuation: [11, 12] });
  assert.deepEqual(truncateForModel(req, 100).input, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.throws(() => truncateForModel({ context: [1], continuation: [2, 3, 4] }, 2), /continuation of 3 tokens exceeds the model's max length 2/);
});
