/**
 * Request strings -> tokens as lm-eval v0.4.9.1's TemplateLM/HFLM do for a causal
 * model: no special tokens added; the context's trailing whitespace (Python rstrip) is moved
 * to the continuation; continuation tokens are the tail of the JOINT encoding after the context's
 * own encoding; an empty context becomes [prefix token] (BOS if the tokenizer has one, else EOS).
 */
import type { Tokenizer } from '../tokenizer/types.ts';
import { pyRstrip } from '../data/formats/py-string.ts';

/** A request in tokens. */
export interface TokenRequest {
  readonly context: readonly number[];
  readonly continuation: readonly number[];
}

/** lm-eval's prefix_token_id: bos_token_id if set, else eos_token_id. */
export function prefixTokenId(tokenizer: Tokenizer): number {
  return tokenizer.bosTokenId ?? tokenizer.eosTokenId;
}

/** _encode_pair / the empty-context branch of TemplateLM.loglikelihood (v0.4.9.1). `encode`: the
 *  tokenizer's, or a memoised one (eval/encode-memo.ts). */
export function encodeRequest(
  tokenizer: Tokenizer, context: string, continuation: string,
  encode: (text: string) => readonly number[] = (t) => tokenizer.encode(t),
): TokenRequest {
  if (context === '') {
    return { context: [prefixTokenId(tokenizer)], continuation: encode(continuation) };
  }
  const stripped = pyRstrip(context);
  const ctx = stripped;
  const cont = context.slice(stripped.length) + continuation;
  const whole = encode(ctx + cont);
  const ctxEnc = encode(ctx);
  return { context: ctxEnc, continuation: whole.slice(ctxEnc.length) };
}

/**
 * The model input and scored span after left truncation:
 *   inp = (ctx + cont)[-(maxLength + 1):][:-1]; the last len(cont) positions of inp are scored.
 * Throws when the continuation alone is longer than maxLength (lm-eval asserts this).
 */
export function truncateForModel(req: TokenRequest, maxLength: number): { input: number[]; continuation: readonly number[] } {
  const n = req.continuation.length;
  if (n === 0) throw new Error('loglikelihood request with an empty continuation (nothing to score)');
  if (n > maxLength) throw new Error(`continuation of ${n} tokens exceeds the model's max length ${maxLength}`);
  const all = [...req.context, ...req.continuation];
  return { input: all.slice(-(maxLength + 1)).slice(0, -1), continuation: req.continuation };
}
