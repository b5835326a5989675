/**
 * lm-eval's rolling loglikelihood windows (utils.get_rolling_token_windows with context_len=1,
 * then make_disjoint_window): disjoint chunks of maxLength predicted tokens; the first
 * chunk is conditioned on the prefix token, each later full chunk sees one token of context, and
 * the final partial chunk is back-filled with preceding tokens up to maxLength inputs.
 */
import type { TokenRequest } from './encode-request.ts';

/** Token windows (context, continuation) covering every token of `tokens` exactly once. */
export function rollingWindows(tokens: readonly number[], prefixToken: number, maxLength: number): TokenRequest[] {
  if (!(maxLength >= 1)) throw new Error(`rollingWindows: maxLength must be >= 1, got ${maxLength}`);
  const N = tokens.length;
  if (N === 0) return [];
  const out: TokenRequest[] = [];
  const disjoint = (a: readonly number[], b: readonly number[]): TokenRequest =>
    ({ context: a.slice(0, a.length - (b.length - 1)), continuation: b });
  const first = Math.min(maxLength, N);
  out.push(disjoint([prefixToken, ...tokens.slice(0, first - 1)], tokens.slice(0, first)));
  let predicted = first;
  while (predicted < N) {
    const m = Math.min(N - predicted, maxLength);   // pred_len = maxLength - context_len + 1
    const end = predicted + m;
    out.push(disjoint(tokens.slice(end - maxLength - 1, end - 1), tokens.slice(end - m, end)));
    predicted += m;
  }
  return out;
}
