// A hand-made Llama whose next-token distribution can be written down: every attention and MLP
// weight is zero, so each block adds nothing to the residual and the logits after token t are
// W_head . RMSNorm(e_t), with e_t the embedding row of t. The model is a Markov chain over its 5
// tokens; `transition` derives each row's softmax from that formula in float64, and `chiSquare` /
// `critical` test sampled transition counts against it.
import * as tf from '@tensorflow/tfjs-core';
import { getFamily, type LanguageModel, type LlamaLikeConfig } from '../../kernel-lib/index.ts';
import { createSpmTokenizer } from '../../kernel-lib/tokenizer/spm-tokenizer.ts';

export const V = 5;
const C = 2, EPS = 1e-5;
// Embedding rows e_t [V, C] (entries +-1, so mean(e^2) = 1) and head rows W_v [V, C].
const E = [[1, 1], [1, -1], [-1, 1], [-1, -1], [1, 1]];
const W = [[-2, -2], [0, 0], [1, 0], [0, 1.5], [-1, 1]];

/** `headScale` multiplies the head rows: large values make the chain (almost) deterministic. */
export function markovLlama(headScale = 1): LanguageModel<LlamaLikeConfig> {
  const llama = getFamily('llama');
  const config = llama.parseConfig({
    model_type: 'llama', vocab_size: V, hidden_size: C, num_hidden_layers: 1, num_attention_heads: 1, num_key_value_heads: 1,
    intermediate_size: 3, max_position_embeddings: 80, rms_norm_eps: EPS, tie_word_embeddings: false, bos_token_id: 1, eos_token_id: 2,
  }, 'hand-made') as LlamaLikeConfig;
  const params = new Map<string, tf.Variable>();
  for (const [name, t] of llama.initParams(config, 1)) {
    const v = name === 'model.embed_tokens.weight' ? tf.tensor2d(E)
      : name === 'lm_head.weight' ? tf.tensor2d(W.map((row) => row.map((w) => w * headScale)))
        : t.shape.length === 2 ? tf.zerosLike(t) : t.clone();          // every block weight 0; RMSNorm weights 1
    params.set(name, tf.variable(v));
    v.dispose(); t.dispose();
  }
  return { family: 'llama', config, params };
}

export function tokenizer(bos: number | null) {
  return createSpmTokenizer({
    source: 'hand-made', pieces: ['<unk>', '<s>', '</s>', '\u2581a', '\u2581b'], scores: [0, 0, 0, -1, -1], types: [2, 3, 3, 1, 1],
    bosTokenId: bos, eosTokenId: 2, padTokenId: null, unkTokenId: 0, addSpacePrefix: true,
  });
}

/** p(next | prev) from the formula: softmax over v of sum_c W[v][c] e_prev[c] / sqrt(mean(e_prev^2) + eps). */
export function transition(prev: number, temperature = 1): number[] {
  const e = E[prev]!, rms = Math.sqrt(e.reduce((s, x) => s + x * x, 0) / C + EPS);
  const z = W.map((w) => w.reduce((s, wc, c) => s + wc * e[c]! / rms, 0) / temperature);
  const m = Math.max(...z), ex = z.map((x) => Math.exp(x - m)), tot = ex.reduce((a, b) => a + b, 0);
  return ex.map((x) => x / tot);
}

/** Pearson's chi-square of transition counts against `p(prev)` rows, and its degrees of freedom. */
export function chiSquare(counts: number[][], p: (prev: number) => number[]): { x2: number; df: number } {
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
export function critical(df: number): number {
  const a = 2 / (9 * df);
  return df * (1 - a + 3.0902 * Math.sqrt(a)) ** 3;
}
