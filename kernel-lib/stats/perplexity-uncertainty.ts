/**
 * The uncertainty a held-out perplexity carries in our tables, choosing its sampling unit
 * (docs/statistics.md): when every block says which document it came from, the DOCUMENT
 * (stats/document-bootstrap.ts: bootstrap over documents, percentile interval); otherwise
 * (per-block losses cached before blocks carried documents) the block, by the delta method
 * (stats/perplexity-stderr.ts, interval exp(L -/+ z se(L)) centred on the value).
 * Paired ratios choose the same way (pairedPerplexityUncertainty).
 */
import { perplexityEstimate, pairedPerplexity, type BlockLoss } from './perplexity-stderr.ts';
import { documentLosses, documentPerplexity, hasDocuments, pairedDocumentPerplexity, type DocumentLoss } from './document-bootstrap.ts';
import { seededBootstrap, seededPairedBootstrap } from './seeded-bootstrap.ts';
import { sampleStddev } from '../eval/metrics.ts';
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

/** A perplexity over training seeds: the value, its uncertainty and the SD of the per-seed perplexities (null for one seed). */
export interface SeededPerplexityUncertainty extends PerplexityUncertainty {
  readonly value: number;
  readonly seeds: number;
  readonly seedSd: number | null;
}

/** The runs' documents, checked to be the same documents with the same token counts in every run. */
function sameDocuments(runs: readonly (readonly BlockLoss[])[], who: string): DocumentLoss[][] {
  const docs = runs.map((b, r) => documentLosses(b, `${who} (run ${r})`));
  for (const [r, d] of docs.entries()) {
    const ref = docs[0]!;
    if (d.length !== ref.length || d.some((x, i) => x.doc !== ref[i]!.doc || x.tokens !== ref[i]!.tokens)) {
      throw new Error(`${who}: run ${r} was measured on other documents or blocks than run 0 (${d.length} vs ${ref.length} documents); every seed needs the same validation blocks`);
    }
  }
  return docs;
}

const logPooledDocs = (per: readonly (readonly DocumentLoss[])[]): number => {
  let nll = 0, tokens = 0;
  for (const d of per[0]!) { nll += d.nll; tokens += d.tokens; }
  return nll / tokens;
};

/**
 * The perplexity of an arm run under several training seeds, each with its per-block losses (seed 0
 * first). One run: perplexityUncertainty(values[0], blocks[0]) as before. Several: the value is the
 * geometric mean exp(mean_s L_s) of the runs' perplexities (L = log perplexity, the scale the paired
 * ratios compare on); stderr = value x the sd of the two-level bootstrap's mean-over-drawn-seeds L
 * (documents and seeds resampled, stats/seeded-bootstrap.ts), the interval exp of its percentiles;
 * needs every run's blocks to carry their documents (else null).
 */
export function seededPerplexityUncertainty(values: readonly number[], blocks: readonly (readonly BlockLoss[] | undefined)[], alpha = 0.05): SeededPerplexityUncertainty | null {
  if (values.length !== blocks.length || values.length === 0) throw new Error(`seededPerplexityUncertainty: ${values.length} values for ${blocks.length} runs`);
  if (values.length === 1) {
    const u = perplexityUncertainty(values[0]!, blocks[0], alpha);
    return u && { ...u, value: values[0]!, seeds: 1, seedSd: null };
  }
  if (!blocks.every((b) => hasDocuments(b))) return null;
  const docs = sameDocuments(blocks as readonly (readonly BlockLoss[])[], 'seededPerplexityUncertainty');
  if (docs[0]!.length < 2) return null;
  const r = seededBootstrap(docs.map((d) => [d]), logPooledDocs, { alpha });
  const value = Math.exp(r.value);
  return {
    unit: 'document', value, stderr: value * r.stderr, ciLow: Math.exp(r.ciLow), ciHigh: Math.exp(r.ciHigh),
    tokens: docs[0]!.reduce((a, d) => a + d.tokens, 0), blocks: blocks[0]!.length, documents: docs[0]!.length,
    seeds: values.length, seedSd: sampleStddev([...values]),
  };
}

/**
 * perplexity(A) / perplexity(B) over documents and training seeds: exp of mean_s L_A,s - mean_s L_B,s
 * with the two-level bootstrap (stats/seeded-bootstrap.ts; `pairSeeds` when both are per-seed chains
 * from the same seeds). One run each: pairedPerplexityUncertainty as before. Several runs need their
 * documents (else null).
 */
export function seededPairedPerplexityUncertainty(a: readonly (readonly BlockLoss[])[], b: readonly (readonly BlockLoss[])[], pairSeeds: boolean, alpha = 0.05): PairedPerplexityUncertainty | null {
  if (a.length === 1 && b.length === 1) return pairedPerplexityUncertainty(a[0]!, b[0]!, alpha);
  if (![...a, ...b].every((x) => hasDocuments(x))) return null;
  const docs = sameDocuments([...a, ...b], 'seededPairedPerplexityUncertainty');
  if (docs[0]!.length < 2) return null;
  const r = seededPairedBootstrap(docs.slice(0, a.length).map((d) => [d]), docs.slice(a.length).map((d) => [d]), logPooledDocs, { alpha }, { pairSeeds });
  return { unit: 'document', ratio: Math.exp(r.delta), ciLow: Math.exp(r.ciLow), ciHigh: Math.exp(r.ciHigh), p: r.p, tokens: docs[0]!.reduce((s, d) => s + d.tokens, 0), blocks: a[0]!.length, documents: docs[0]!.length };
}
