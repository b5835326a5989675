/**
 * Document-level bootstrap of a held-out perplexity (docs/statistics.md). Blocks cut from one
 * document share its topic, vocabulary and style, so they are not independent draws of "held-out
 * text": the DOCUMENT is the sampling unit. Each of B replicates draws n document indices with
 * replacement (n = the number of documents, the seeded RNG of runtime/random.ts) and takes ALL
 * blocks of each drawn document; the replicate's statistic is the pooled perplexity
 * exp(sum nll / sum tokens) over the drawn documents (a cluster bootstrap of a ratio of sums).
 * Reported: the observed perplexity, se(L) = the sample stddev of the replicates' L = log perplexity,
 * stderr = perplexity x se(L), and the percentile (1 - alpha) interval of the replicates.
 * The paired form resamples the SAME documents for models A and B and bootstraps
 * d = L_A - L_B (the log perplexity ratio) through stats/paired-bootstrap.ts: percentile interval
 * of exp(d*) and the two-sided p of that file (the percentile-interval inversion).
 */
import { createRng } from '../runtime/random.ts';
import { sampleStddev } from '../eval/metrics.ts';
import { quantile } from './quantile.ts';
import { defaults, pairedBootstrap, type PairedBootstrapConfig } from './paired-bootstrap.ts';
import type { BlockLoss } from './perplexity-stderr.ts';

/** One document's blocks summed: its NLL (nats), target tokens and block count. */
export interface DocumentLoss { readonly doc: number; readonly nll: number; readonly tokens: number; readonly blocks: number }

/** Whether every block says which document it came from (then the document bootstrap applies). */
export function hasDocuments(blocks: readonly BlockLoss[] | undefined): blocks is readonly (BlockLoss & { doc: number })[] {
  return !!blocks && blocks.length > 0 && blocks.every((b) => Number.isInteger(b.doc));
}

/** How many documents the blocks come from; null when they do not all say. */
export function documentsOf(blocks: readonly BlockLoss[] | undefined): number | null {
  return hasDocuments(blocks) ? new Set(blocks.map((b) => b.doc)).size : null;
}

/** The blocks summed per document, in the order each document first appears. */
export function documentLosses(blocks: readonly BlockLoss[], who = 'documentLosses'): DocumentLoss[] {
  const byDoc = new Map<number, { nll: number; tokens: number; blocks: number }>();
  blocks.forEach((b, i) => {
    if (!Number.isInteger(b.doc)) throw new Error(`${who}: block ${i} has no document index (doc ${String(b.doc)}); expected an integer`);
    if (!(b.tokens > 0) || !Number.isFinite(b.nll)) throw new Error(`${who}: block ${i} has nll ${b.nll} over ${b.tokens} tokens; expected a finite nll over > 0 tokens`);
    const d = byDoc.get(b.doc!) ?? { nll: 0, tokens: 0, blocks: 0 };
    d.nll += b.nll; d.tokens += b.tokens; d.blocks++;
    byDoc.set(b.doc!, d);
  });
  return [...byDoc].map(([doc, d]) => ({ doc, ...d }));
}

function logPooled(docs: readonly DocumentLoss[]): number {
  let nll = 0, tokens = 0;
  for (const d of docs) { nll += d.nll; tokens += d.tokens; }
  return nll / tokens;
}

function resolve(config: Partial<PairedBootstrapConfig>, who: string): PairedBootstrapConfig {
  const c = { ...defaults, ...config };
  if (!Number.isInteger(c.iters) || c.iters < 2) throw new Error(`${who}: iters must be an integer >= 2, got ${c.iters}`);
  if (!(c.alpha > 0 && c.alpha < 1)) throw new Error(`${who}: alpha must be in (0, 1), got ${c.alpha}`);
  return c;
}

export interface DocumentPerplexity {
  readonly perplexity: number;     // exp(L) over all blocks
  readonly meanNll: number;        // L
  readonly stderrNll: number;      // sample stddev of the replicates' L
  readonly stderr: number;         // perplexity x stderrNll
  readonly ciLow: number;          // exp of the alpha/2 quantile of the replicates' L
  readonly ciHigh: number;
  readonly tokens: number;
  readonly blocks: number;
  readonly documents: number;
  readonly iters: number;
  readonly alpha: number;
}

export function documentPerplexity(blocks: readonly BlockLoss[], config: Partial<PairedBootstrapConfig> = {}): DocumentPerplexity {
  const c = resolve(config, 'documentPerplexity');
  const docs = documentLosses(blocks, 'documentPerplexity');
  if (docs.length < 2) throw new Error(`documentPerplexity: need blocks from at least 2 documents for a bootstrap over documents, got ${docs.length}`);
  const n = docs.length, rng = createRng(c.seed), reps = new Float64Array(c.iters);
  for (let r = 0; r < c.iters; r++) {
    let nll = 0, tokens = 0;
    for (let i = 0; i < n; i++) { const d = docs[rng.int(n)]!; nll += d.nll; tokens += d.tokens; }
    reps[r] = nll / tokens;
  }
  const L = logPooled(docs), se = sampleStddev(Array.from(reps)), sorted = reps.sort();
  return {
    perplexity: Math.exp(L), meanNll: L, stderrNll: se, stderr: Math.exp(L) * se,
    ciLow: Math.exp(quantile(sorted, c.alpha / 2)), ciHigh: Math.exp(quantile(sorted, 1 - c.alpha / 2)),
    tokens: docs.reduce((a, d) => a + d.tokens, 0), blocks: blocks.length, documents: n, iters: c.iters, alpha: c.alpha,
  };
}

export interface PairedDocumentPerplexity {
  readonly ratio: number;          // ppl_A / ppl_B = exp(L_A - L_B)
  readonly logRatio: number;
  readonly stderrLogRatio: number; // sample stddev of the replicates' L_A - L_B
  readonly ciLow: number;          // of the ratio: exp of the percentile interval of the replicates' log ratio
  readonly ciHigh: number;
  readonly p: number;              // two-sided, percentile-interval inversion (stats/paired-bootstrap.ts)
  readonly significant: boolean;   // p < alpha (unadjusted)
  readonly tokens: number;
  readonly blocks: number;
  readonly documents: number;
  readonly iters: number;
  readonly alpha: number;
}

/** Model A vs model B on the same blocks (same order, same documents, same token counts), documents resampled together. */
export function pairedDocumentPerplexity(a: readonly BlockLoss[], b: readonly BlockLoss[], config: Partial<PairedBootstrapConfig> = {}): PairedDocumentPerplexity {
  const c = resolve(config, 'pairedDocumentPerplexity');
  if (a.length !== b.length) throw new Error(`pairedDocumentPerplexity: ${a.length} blocks for A but ${b.length} for B (the same blocks are needed)`);
  a.forEach((x, i) => {
    const y = b[i]!;
    if (x.doc !== y.doc || x.tokens !== y.tokens) throw new Error(`pairedDocumentPerplexity: block ${i} is document ${String(x.doc)} with ${x.tokens} tokens for A but document ${String(y.doc)} with ${y.tokens} tokens for B (the same blocks are needed)`);
  });
  const da = documentLosses(a, 'pairedDocumentPerplexity (A)'), db = documentLosses(b, 'pairedDocumentPerplexity (B)');
  if (da.length < 2) throw new Error(`pairedDocumentPerplexity: need blocks from at least 2 documents, got ${da.length}`);
  const r = pairedBootstrap([{ a: da, b: db }], (s) => logPooled(s[0]!), c);
  return {
    ratio: Math.exp(r.delta), logRatio: r.delta, stderrLogRatio: r.stderr, ciLow: Math.exp(r.ciLow), ciHigh: Math.exp(r.ciHigh),
    p: r.p, significant: r.significant, tokens: da.reduce((s, d) => s + d.tokens, 0), blocks: a.length, documents: da.length, iters: c.iters, alpha: c.alpha,
  };
}
