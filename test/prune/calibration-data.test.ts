// `--data self` sampling (selfSamples) on a hand-made Llama whose next-token distribution can be
// written down: every attention and MLP weight is zero, so each block adds nothing to the residual
// and the logits after token t are W_head . RMSNorm(e_t), with e_t the embedding row of t. The
// model is a Markov chain over its 5 tokens; the test derives each row's softmax from that formula
// in float64 and checks the sampled transitions against it (chi-square), plus the hand-checkable
// properties: count, length, BOS (or EOS) first, ids inside the vocabulary, seeded determinism.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, getFamily, type LanguageModel, type LlamaLikeConfig } from '../../kernel-lib/index.ts';
import { disposeModel } from '../../kernel-lib/model/dispose-model.ts';
import { createSpmTokenizer } from '../../kernel-lib/tokenizer/spm-tokenizer.ts';
import { selfSamples } from '../../kernel-lib/prune/calibration-data.ts';

before(async () => { await initBackend({ quiet: true }); });

const V = 5, C = 2, EPS = 1e-5;
// Embedding rows e_t [V, C] (entries +-1, so mean(e^2) = 1) and head rows W_v [V, C].
const E = [[1, 1], [1, -1], [-1, 1], [-1, -1], [1, 1]];
const W = [[-2, -2], [0, 0], [1, 0], [0, 1.5], [-1, 1]];

function markovLlama(): LanguageModel<LlamaLikeConfig> {
  const llama = getFamily('llama');
  const config = llama.parseConfig({
    model_type: 'llama', vocab_size: V, hidden_size: C, num_hidden_layers: 1, num_attention_heads: 1, num_key_value_heads: 1,
    intermediate_size: 3, max_position_embeddings: 80, rms_norm_eps: EPS, tie_word_embeddings: false, bos_token_id: 1, eos_token_id: 2,
  }, 'hand-made') as LlamaLikeConfig;
  const params = new Map<string, tf.Variable>();
  for (const [name, t] of llama.initParams(config, 1)) {
    const v = name === 'model.embed_tokens.weight' ? tf.tensor2d(E)
      : name === 'lm_head.weight' ? tf.tensor2d(W)
        : t.shape.length === 2 ? tf.zerosLike(t) : t.clone();          // every block weight 0; RMSNorm weights 1
    params.set(name, tf.variable(v));
    v.dispose(); t.dispose();
  }
  return { family: 'llama', config, params };
}

function tokenizer(bos: number | null) {
  return createSpmTokenizer({
    source: 'hand-made', pieces: ['<unk>', '<s>', '</s>', '\u2581a', '\u2581b'], scores: [0, 0, 0, -1, -1], types: [2, 3, 3, 1, 1],
    bosTokenId: bos, eosTokenId: 2, padTokenId: null, unkTokenId: 0, addSpacePrefix: true,
  });
}

/** p(next | prev) from the formula: softmax over v of sum_c W[v][c] e_prev[c] / sqrt(mean(e_prev^2) + eps). */
function transition(prev: number, temperature = 1): number[] {
  const e = E[prev]!, rms = Math.sqrt(e.reduce((s, x) => s + x * x, 0) / C + EPS);
  const z = W.map((w) => w.reduce((s, wc, c) => s + wc * e[c]! / rms, 0) / temperature);
  const m = Math.max(...z), ex = z.map((x) => Math.exp(x - m)), tot = ex.reduce((a, b) => a + b, 0);
  return ex.map((x) => x / tot);
}

/** Pearson's chi-square of transition counts against `p(prev)` rows, and its degrees of freedom. */
function chiSquare(counts: number[][], p: (prev: number) => number[]): { x2: number; df: number } {
  let x2 = 0, df = 0;
  counts.forEach((row, prev) => {
    const n = row.reduce((a, b) => a + b, 0);
    if (!n) return;
    const q = p(prev);
    row.forEach((k, v) => { x2 += (k - n * q[v]!) ** 2 / (n * q[v]!); });
    df += V - 1;
  });
  return { x2, df };
}

/** Upper 0.001 quantile of chi-square with df degrees of freedom (Wilson-Hilferty; z = 3.0902). */
function critical(df: number): number {
  const a = 2 / (9 * df);
  return df * (1 - a + 3.0902 * Math.sqrt(a)) ** 3;
}

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
