/**
 * Uncertainty of a held-out perplexity (docs/statistics.md). The perplexity is exp(L) with
 * L = sum_b nll_b / sum_b tokens_b, the token-weighted mean next-token NLL over B disjoint blocks.
 * Tokens inside a block are not independent, so the BLOCK is the sampling unit: the standard error
 * of the ratio estimator L by linearisation (the delta method for a ratio of sums),
 *   se(L)^2 = sum_b (nll_b - L tokens_b)^2 / (B (B - 1) tbar^2),  tbar = mean tokens per block,
 * which for equal-length blocks is the sample stddev of the block means over sqrt(B); then by the
 * delta method se(ppl) = ppl se(L), and the (1 - alpha) interval is exp(L -/+ z se(L)) (asymmetric,
 * always positive). The paired form compares two models on the SAME blocks through the per-block
 * difference of linearised residuals, giving the log perplexity ratio, its CI and a z-test p.
 */
import { twoSidedP, zCritical } from './normal-cdf.ts';

/** One block's summed next-token NLL (nats), the number of target tokens it was summed over and, when known,
 *  the index of the document the block was cut from (the unit of stats/document-bootstrap.ts). */
export interface BlockLoss { readonly nll: number; readonly tokens: number; readonly doc?: number }

export interface PerplexityEstimate {
  readonly perplexity: number;
  readonly meanNll: number;        // L
  readonly stderrNll: number;      // se(L)
  readonly stderr: number;         // se(ppl) = ppl se(L)
  readonly ciLow: number;          // exp(L - z se(L))
  readonly ciHigh: number;
  readonly tokens: number;
  readonly blocks: number;
  readonly alpha: number;
}

function check(blocks: readonly BlockLoss[], who: string): void {
  if (blocks.length < 2) throw new Error(`${who}: need at least 2 blocks for a standard error, got ${blocks.length}`);
  blocks.forEach((b, i) => {
    if (!(b.tokens > 0) || !Number.isFinite(b.nll)) throw new Error(`${who}: block ${i} has nll ${b.nll} over ${b.tokens} tokens; expected a finite nll over > 0 tokens`);
  });
}

function residuals(blocks: readonly BlockLoss[]): { L: number; tbar: number; r: number[] } {
  let s = 0, t = 0;
  for (const b of blocks) { s += b.nll; t += b.tokens; }
  const L = s / t, tbar = t / blocks.length;
  return { L, tbar, r: blocks.map((b) => (b.nll - L * b.tokens) / tbar) };
}

const seOf = (r: readonly number[]) => Math.sqrt(r.reduce((a, x) => a + x * x, 0) / (r.length * (r.length - 1)));

export function perplexityEstimate(blocks: readonly BlockLoss[], alpha = 0.05): PerplexityEstimate {
  check(blocks, 'perplexityEstimate');
  const { L, r } = residuals(blocks);
  const se = seOf(r), z = zCritical(alpha), ppl = Math.exp(L);
  return {
    perplexity: ppl, meanNll: L, stderrNll: se, stderr: ppl * se,
    ciLow: Math.exp(L - z * se), ciHigh: Math.exp(L + z * se),
    tokens: blocks.reduce((a, b) => a + b.tokens, 0), blocks: blocks.length, alpha,
  };
}

export interface PairedPerplexity {
  readonly ratio: number;          // ppl_A / ppl_B = exp(L_A - L_B)
  readonly logRatio: number;
  readonly stderrLogRatio: number;
  readonly ciLow: number;          // of the ratio
  readonly ciHigh: number;
  readonly p: number;              // two-sided z-test of log ratio = 0
  readonly significant: boolean;
  readonly tokens: number;
  readonly blocks: number;
  readonly alpha: number;
}

/** Model A vs model B on the same blocks (same order, same token counts). */
export function pairedPerplexity(a: readonly BlockLoss[], b: readonly BlockLoss[], alpha = 0.05): PairedPerplexity {
  check(a, 'pairedPerplexity (A)'); check(b, 'pairedPerplexity (B)');
  if (a.length !== b.length) throw new Error(`pairedPerplexity: ${a.length} blocks for A but ${b.length} for B (the same blocks are needed)`);
  a.forEach((x, i) => { if (x.tokens !== b[i]!.tokens) throw new Error(`pairedPerplexity: block ${i} has ${x.tokens} tokens for A but ${b[i]!.tokens} for B`); });
  const ra = residuals(a), rb = residuals(b);
  const d = ra.r.map((x, i) => x - rb.r[i]!);
  const logRatio = ra.L - rb.L, se = seOf(d), z = zCritical(alpha);
  const p = se === 0 ? (logRatio === 0 ? 1 : 0) : twoSidedP(logRatio / se);
  return {
    ratio: Math.exp(logRatio), logRatio, stderrLogRatio: se,
    ciLow: Math.exp(logRatio - z * se), ciHigh: Math.exp(logRatio + z * se),
    p, significant: p < alpha, tokens: a.reduce((s, x) => s + x.tokens, 0), blocks: a.length, alpha,
  };
}
