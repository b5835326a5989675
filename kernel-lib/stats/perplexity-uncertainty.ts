/**
 * The uncertainty a held-out perplexity carries in our tables, choosing its sampling unit
 * (docs/statistics.md): when every block says which document it came from, the DOCUMENT
 * (stats/document-bootstrap.ts: bootstrap over documents, percentile interval); otherwise
 * (per-block losses cached before blocks carried documents) the block, by the delta method
 * (stats/perplexity-stderr.ts, interval exp(L -/+ z se(L)) centred on the value).
 * Paired ratios choose the same way (pairedPerplexityUncertainty).
 */
import { perplexityEstimate, pairedPerplexity, type BlockLoss } from './perplexity-stderr.ts';
import { documentLosses, documentPerplexity, hasDocuments, pairedDocumentPerplexity } from './document-bootstrap.ts';
import { zCritical } from './normal-cdf.ts';

export interface PerplexityUncertainty {
  readonly unit: 'document' | 'block';
  readonly stderr: number;          // value x se(L)
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly tokens: number;
  readonly blocks: number;
  readonly documents: number | null; // null when the blocks do not carry their documents
}

/** Uncertainty of the perplexity `value` measured on `blocks`; null without at least 2 units (blocks, or documents when known). */
export function perplexityUncertainty(value: number, blocks: readonly BlockLoss[] | undefined, alpha = 0.05): PerplexityUncertainty | null {
  if (!blocks || blocks.length < 2) return null;
  if (hasDocuments(blocks)) {
    if (documentLosses(blocks).length < 2) return null;
    const r = documentPerplexity(blocks, { alpha });
    return { unit: 'document', stderr: value * r.stderrNll, ciLow: r.ciLow, ciHigh: r.ciHigh, tokens: r.tokens, blocks: r.blocks, documents: r.documents };
  }
  const est = perplexityEstimate(blocks, alpha), z = zCritical(alpha), L = Math.log(value);
  return { unit: 'block', stderr: value * est.stderrNll, ciLow: Math.exp(L - z * est.stderrNll), ciHigh: Math.exp(L + z * est.stderrNll), tokens: est.tokens, blocks: est.blocks, documents: null };
}

export interface PairedPerplexityUncertainty {
  readonly unit: 'document' | 'block';
  readonly ratio: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly p: number;               // two-sided, unadjusted
  readonly tokens: number;
  readonly blocks: number;
  readonly documents: number | null;
}

/** perplexity(A) / perplexity(B) on the same blocks: documents resampled together when both carry them, else the paired delta method over blocks. */
export function pairedPerplexityUncertainty(a: readonly BlockLoss[], b: readonly BlockLoss[], alpha = 0.05): PairedPerplexityUncertainty {
  if (hasDocuments(a) && hasDocuments(b)) {
    const r = pairedDocumentPerplexity(a, b, { alpha });
    return { unit: 'document', ratio: r.ratio, ciLow: r.ciLow, ciHigh: r.ciHigh, p: r.p, tokens: r.tokens, blocks: r.blocks, documents: r.documents };
  }
  const r = pairedPerplexity(a, b, alpha);
  return { unit: 'block', ratio: r.ratio, ciLow: r.ciLow, ciHigh: r.ciHigh, p: r.p, tokens: r.tokens, blocks: r.blocks, documents: null };
}
