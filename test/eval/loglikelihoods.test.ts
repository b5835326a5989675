import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, loglikelihoods, loglikelihoodRolling } from '../../kernel-lib/index.ts';
import { loglikelihoodTokens } from '../../kernel-lib/eval/loglikelihoods.ts';
import { encodeRequest } from '../../kernel-lib/eval/encode-request.ts';
import { rollingWindows } from '../../kernel-lib/eval/rolling-windows.ts';
import { tinyModel } from '../helpers/tiny-gpt2.ts';
import { referenceLogits, refLogProb, type RefParams } from '../helpers/gpt2-reference.ts';
import { ALPHABET, charTokenizer } from './char-tokenizer.ts';

before(async () => { await initBackend(); });

const V = ALPHABET.length + 1;
const SPEC = { V, P: 12, C: 8, L: 2, H: 2 };
const CFG = { L: 2, H: 2, eps: 1e-5 };

/** Independent float64 loglikelihood: truncate as lm-eval, run the plain-JS GPT-2, sum log p. */
function refLoglik(ref: RefParams, ctx: readonly number[], cont: readonly number[], L: number): { ll: number; greedy: boolean } {
  const inp = [...ctx, ...cont].slice(-(L + 1)).slice(0, -1);
  const z = referenceLogits(ref, inp, 1, inp.length, CFG);
  let ll = 0, greedy = true;
  cont.forEach((t, j) => {
    const row = z[inp.length - cont.length + j]!;
    ll += refLogProb(row, t);
    let am = 0; row.forEach((v, i) => { if (v > row[am]!) am = i; });
    greedy &&= am === t;
  });
  return { ll, greedy };
}

const tok = charTokenizer();
const REQS = [
  { context: 'question: ab?\nanswer:', continuation: ' c' },         // context longer than P: left-truncated
  { context: 'q: x\n', continuation: ' yes' },                        // trailing newline moves to the continuation
  { context: 'abc', continuation: ' A' },                             // A/B/C/D share one forward
  { context: 'abc', continuation: ' B' },
  { context: 'abc', continuation: ' C' },
  { context: 'abc', continuation: ' D' },
  { context: '', continuation: 'hello' },                             // empty context -> [EOS]
  { context: 'z', continuation: ' a very long continuation' },       // > P - 1 tokens of input
];

test('loglikelihoods match an independent float64 GPT-2, batch 1 and 16 agree within 1e-5', () => {
  const { model, ref } = tinyModel(SPEC, 3);
  const n0 = tf.memory().numTensors;
  const b1 = loglikelihoods(model, tok, REQS.slice(0, 7), { batchSize: 1, quiet: true });
  const b16 = loglikelihoods(model, tok, REQS.slice(0, 7), { batchSize: 16, quiet: true });
  assert.equal(tf.memory().numTensors, n0, 'no tensor leak');
  REQS.slice(0, 7).forEach((r, i) => {
    const e = encodeRequest(tok, r.context, r.continuation);
    const want = refLoglik(ref, e.context, e.continuation, SPEC.P);
    assert.ok(Math.abs(b1[i]!.loglikelihood - want.ll) < 1e-4, `request ${i}: ${b1[i]!.loglikelihood} vs reference ${want.ll}`);
    assert.equal(b1[i]!.isGreedy, want.greedy, `request ${i} greedy`);
    assert.ok(Math.abs(b1[i]!.loglikelihood - b16[i]!.loglikelihood) < 1e-5, `request ${i}: batch 1 ${b1[i]!.loglikelihood} vs 16 ${b16[i]!.loglikelihood}`);
    assert.equal(b1[i]!.isGreedy, b16[i]!.isGreedy);
  });
  // repeated run: identical
  assert.deepEqual(loglikelihoods(model, tok, REQS.slice(0, 7), { batchSize: 16, quiet: true }), b16);
  // a continuation longer than max length is refused as lm-eval asserts
  assert.throws(() => loglikelihoods(model, tok, [{ context: 'z', continuation: ' a very long continuation' }], { quiet: true }), /exceeds the model's max length 12/);
});

test('rolling loglikelihood = sum over windows = independent per-token reference', () => {
  const { model, ref } = tinyModel(SPEC, 4);
  const text = 'the cat sat on the mat and the dog sat too';   // 42 tokens, L = 12 -> 4 windows
  const [r] = loglikelihoodRolling(model, tok, [text], { batchSize: 4, quiet: true });
  const toks = tok.encode(text);
  let want = 0;
  for (const w of rollingWindows(toks, tok.eosTokenId, SPEC.P)) want += refLoglik(ref, w.context, w.continuation, SPEC.P).ll;
  assert.equal(r!.tokens, 42);
  assert.ok(Math.abs(r!.loglikelihood - want) < 1e-3, `${r!.loglikelihood} vs ${want}`);
  const viaTokens = loglikelihoodTokens(model, rollingWindows(toks, tok.eosTokenId, SPEC.P), { batchSize: 1, quiet: true });
  assert.ok(Math.abs(viaTokens.reduce((s, x) => s + x.loglikelihood, 0) - r!.loglikelihood) < 1e-4);
});

test('scorePositions agrees with model/lm.ts scoreTokens on single targets', async () => {
  const { scorePositions } = await import('../../kernel-lib/eval/score-positions.ts');
  const { scoreTokens } = await import('../../kernel-lib/index.ts');
  const { model } = tinyModel(SPEC, 8);
  const B = 2, T = 5;
  const ids = Int32Array.from([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const targets = Int32Array.from([4, 5, -1, 7, 1, -1, 10, 11, 12, 2]);
  const ref = scoreTokens(model, ids, B, T, targets);
  const pairs = [...targets].flatMap((t, pos) => (t === -1 ? [] : [{ pos, target: t }]));
  const got = scorePositions(model, ids, B, T, pairs);
  pairs.forEach((p, k) => {
    assert.ok(Math.abs(got.logprobs[k]! - ref.logprobs[p.pos]!) < 1e-5);
    assert.equal(got.greedy[k], ref.greedy[p.pos]);
  });
});
