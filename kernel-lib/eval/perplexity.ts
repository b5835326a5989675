/**
 * Token-level perplexity of a corpus with a stated window and stride (for training and pruning
 * curves; the wikitext TASK uses lm-eval's rolling windows instead). Each text is scored on its
 * own as the stream S = [prefix token] + encode(text), predicting S[1..]: the stream is cut into
 * chunks of `stride` predicted tokens, and each chunk is scored with the `contextLength` tokens
 * that precede its last prediction as input, so every token is predicted exactly once with at
 * least contextLength - stride tokens of context (less only near the start of a text).
 * With stride = contextLength the chunks are disjoint (lm-eval's rolling scheme).
 *   perplexity = exp(-sum log p / tokens)
 */
import type { LanguageModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import { prefixTokenId, type TokenRequest } from './encode-request.ts';
import { loglikelihoodTokens } from './loglikelihoods.ts';
import type { RequestCache } from './request-cache.ts';
import type { EngineName } from '../runtime/engine-env.ts';

export interface PerplexityConfig {
  /** Tokens of model input per window; null = the model's maxPositions. */
  readonly contextLength: number | null;
  /** New tokens predicted per window (1..contextLength); null = contextLength (disjoint windows). */
  readonly stride: number | null;
  /** Windows per forward pass. */
  readonly batchSize: number;
  /** Optional request cache (the windows are ordinary token requests). */
  readonly cache?: RequestCache;
  readonly quiet: boolean;
  /** Forward engine (default: 'ort' when it loads; see engine/select-engine.ts). */
  readonly engine?: EngineName;
}

export const defaults: PerplexityConfig = { contextLength: null, stride: null, batchSize: 8, quiet: true };

export interface PerplexityResult {
  readonly perplexity: number;
  /** Mean negative log-likelihood per predicted token (nats). */
  readonly nll: number;
  /** Tokens predicted (= total tokens of all texts). */
  readonly tokens: number;
  readonly windows: number;
  readonly contextLength: number;
  readonly stride: number;
}

/** The (context, continuation) windows of one token stream (see the file comment). */
export function strideWindows(stream: readonly number[], contextLength: number, stride: number): TokenRequest[] {
  const out: TokenRequest[] = [];
  for (let a = 1; a < stream.length; a += stride) {
    const b = Math.min(stream.length, a + stride);
    const start = Math.max(0, b - contextLength - 1);
    out.push({ context: stream.slice(start, a), continuation: stream.slice(a, b) });
  }
  return out;
}

/** Perplexity of `texts` under `model` (see the file comment). */
export function perplexity(
  model: LanguageModel, tokenizer: Tokenizer, texts: readonly string[], config: Partial<PerplexityConfig> = {},
): PerplexityResult {
  const c: PerplexityConfig = { ...defaults, ...config };
  const L = c.contextLength ?? model.config.maxPositions;
  const stride = c.stride ?? L;
  if (!Number.isInteger(L) || L < 1 || L > model.config.maxPositions) {
    throw new Error(`perplexity: contextLength must be an integer in 1..${model.config.maxPositions}, got ${L}`);
  }
  if (!Number.isInteger(stride) || stride < 1 || stride > L) throw new Error(`perplexity: stride must be an integer in 1..contextLength (${L}), got ${stride}`);
  const P = prefixTokenId(tokenizer);
  const windows = texts.flatMap((t) => strideWindows([P, ...tokenizer.encode(t)], L, stride));
  const res = loglikelihoodTokens(model, windows, {
    batchSize: c.batchSize, maxLength: L, quiet: c.quiet, label: 'perplexity', ...(c.cache ? { cache: c.cache } : {}), ...(c.engine ? { engine: c.engine } : {}),
  });
  let ll = 0, tokens = 0;
  res.forEach((r, i) => { ll += r.loglikelihood; tokens += windows[i]!.continuation.length; });
  if (tokens === 0) throw new Error('perplexity: the texts have no tokens');
  return { perplexity: Math.exp(-ll / tokens), nll: -ll / tokens, tokens, windows: windows.length, contextLength: L, stride };
}
