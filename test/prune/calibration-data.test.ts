// `--data self` sampling (selfSamples) on a hand-made Llama whose next-token distribution can be
// written down: every attention and MLP weight is zero, so each block adds nothing to the residual
// and the logits after token t are W_head . RMSNorm(e_t), with e_t the embedding row of t. The
// model is a Markov chain over its 5 tokens; the test derives each row's softmax from that formula
// in float64 and checks the sampled transitions against it (chi-square), plus the hand-checkable
// properties: count, length, BOS (or EOS) first, ids inside the vocabulary, seeded determinism.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../kernel-lib/index.ts';
import { disposeModel } from '../../kernel-lib/model/dispose-model.ts';
import { selfSamples } from '../../kernel-lib/prune/calibration-data.ts';
import { V, markovLlama, tokenizer, transition, chiSquare, critical } from '../helpers/markov-llama.ts';

before(async () => { await initBackend({ quiet: true }); });

test('selfSamples: n sequences of T + 1 ids, BOS first, ids inside the vocabulary, full mask; seeded and deterministic', () => {
  const model = markovLlama();
  try {
    const tok = tokenizer(1);
    const a = selfSamples(model, tok, 20, 4, 7);
    assert.equal(a.length, 4);
    for (const b of a) {
      assert.equal(b.ids.length, 21);
      assert.equal(b.ids[0], 1, 'the first id is the tokenizer\'s BOS');
      assert.ok(b.ids.every((x) => x >= 0 && x < V), `ids outside [0, ${V}): ${b.ids}`);
      assert.deepEqual([...b.mask], new Array(20).fill(1));
    }
    // EOS (id 2) is likely here (p ~ 0.3 after several tokens) and must not end a sample.
    assert.ok(a.some((b) => b.ids.subarray(1).includes(2)), 'some sample contains EOS and still has T + 1 ids');
    // Same seed: the same ids. Sample k uses seed + k, so seed 8's first sample is seed 7's second.
    assert.deepEqual(selfSamples(model, tok, 20, 4, 7).map((b) => [...b.ids]), a.map((b) => [...b.ids]));
    assert.deepEqual([...selfSamples(model, tok, 20, 1, 8)[0]!.ids], [...a[1]!.ids]);
    assert.notDeepEqual([...a[0]!.ids], [...a[1]!.ids]);
    // Without a BOS in the vocabulary the document separator is EOS.
    assert.equal(selfSamples(model, tokenizer(null), 5, 1, 0)[0]!.ids[0], 2);
    // More tokens than the context holds: an error naming the sample, the count and the context.
    assert.throws(() => selfSamples(model, tok, 80, 1, 0), /sample 0 has 80 tokens, expected 81 \(the model's context is 80\)/);
  } finally {
    disposeModel(model);
  }
});

test('selfSamples draws each token from the model\'s softmax at temperature 1 (transition counts vs the hand-derived chain)', () => {
  const model = markovLlama();
  try {
    const blocks = selfSamples(model, tokenizer(1), 60, 24, 0);      // 24 x 60 = 1440 transitions
    const counts = Array.from({ length: V }, () => new Array<number>(V).fill(0));
    for (const b of blocks) for (let t = 0; t + 1 < b.ids.length; t++) counts[b.ids[t]!]![b.ids[t + 1]!]!++;
    const fit = chiSquare(counts, (prev) => transition(prev));
    assert.ok(fit.x2 < critical(fit.df), `chi-square ${fit.x2.toFixed(1)} on ${fit.df} df vs the model's softmax (0.001 critical ${critical(fit.df).toFixed(1)})`);
    // The same counts reject near alternatives, so the check has power: a sampler that ignored the
    // previous token (every row drawn as after BOS), or sampled at temperature 2.
    const ignoresContext = chiSquare(counts, () => transition(1));
    assert.ok(ignoresContext.x2 > critical(ignoresContext.df), `context-free rows not rejected: ${ignoresContext.x2.toFixed(1)}`);
    const hot = chiSquare(counts, (prev) => transition(prev, 2));
    assert.ok(hot.x2 > critical(hot.df), `temperature 2 not rejected: ${hot.x2.toFixed(1)}`);
  } finally {
    disposeModel(model);
  }
});
