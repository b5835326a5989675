import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../kernel-lib/runtime/backend.ts';
import { perplexity } from '../../kernel-lib/eval/perplexity.ts';
import { tinyModel } from '../helpers/tiny-gpt2.ts';
import { referenceLogits, refLogProb } from '../helpers/gpt2-reference.ts';
import { ALPHABET, charTokenizer } from './char-tokenizer.ts';

before(async () => { await initBackend(); });

const tok = charTokenizer();
const SPEC = { V: ALPHABET.length + 1, P: 16, C: 8, L: 2, H: 2 };

test('perplexity of a text shorter than the window = exp(mean NLL) of one float64 reference pass', () => {
  const { model, ref } = tinyModel(SPEC, 5);
  const text = 'hello world';
  const ids = [tok.eosTokenId, ...tok.encode(text)];
  const z = referenceLogits(ref, ids.slice(0, -1), 1, ids.length - 1, { L: 2, H: 2, eps: 1e-5 });
  let nll = 0;
  for (let t = 0; t + 1 < ids.length; t++) nll -= refLogProb(z[t]!, ids[t + 1]!);
  nll /= ids.length - 1;
  const r = perplexity(model, tok, [text]);
  assert.equal(r.tokens, 11);
  assert.equal(r.windows, 1);
  assert.ok(Math.abs(r.nll - nll) < 1e-5, `${r.nll} vs ${nll}`);
  assert.ok(Math.abs(r.perplexity - Math.exp(nll)) < 1e-4);
  // a smaller stride changes nothing while every window still sees the whole text
  const s = perplexity(model, tok, [text], { stride: 3 });
  assert.equal(s.windows, 4);
  assert.ok(Math.abs(s.nll - r.nll) < 1e-5);
});

test('longer texts: every token predicted once; smaller stride = more windows; bad options named', () => {
  const { model } = tinyModel(SPEC, 6);
  const texts = ['the quick brown fox jumps over the lazy dog', 'a b c'];
  const disjoint = perplexity(model, tok, texts, { contextLength: 8 });
  const strided = perplexity(model, tok, texts, { contextLength: 8, stride: 4 });
  assert.equal(disjoint.tokens, 43 + 5);
  assert.equal(strided.tokens, 48);
  assert.equal(disjoint.windows, Math.ceil(43 / 8) + 1);
  assert.equal(strided.windows, Math.ceil(43 / 4) + 2);
  assert.throws(() => perplexity(model, tok, texts, { contextLength: 8, stride: 9 }), /stride must be an integer in 1\.\.contextLength \(8\), got 9/);
  assert.throws(() => perplexity(model, tok, texts, { contextLength: 99 }), /contextLength must be an integer in 1\.\.16, got 99/);
});
