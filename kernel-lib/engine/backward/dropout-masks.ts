/**
 * Training-mode dropout in the ONNX training graphs: each place a decoder drops values
 * (engine/onnx-family.ts DropoutSite) becomes a bool graph input, its keep mask, and the value
 * continues as  y = x * (mask * 1/(1 - rate))  (inverted dropout, as the tfjs forward and
 * PyTorch apply it). The reverse pass needs no rule of its own: the mask path depends on no
 * parameter, so dy flows back as dx = dy * mask / (1 - rate) through the Mul's ordinary rule.
 *
 * The masks are drawn on the host from one seed per micro-batch (`fillDropoutMasks`), not by an
 * in-graph random op: the same seed gives the same masks on every machine and execution provider,
 * so a resumed run draws exactly what the uninterrupted run drew (the loop checkpoints the seed's
 * generator), and a reference implementation can be fed the very masks the graph used.
 * Each mask element is kept when a 32-bit draw is >= round(rate * 2^32): keep probability
 * 1 - rate to within 2^-32. Memory: the masks are bytes; the graph keeps one float32 copy per
 * site for the backward, as PyTorch keeps its mask (GPT-2's attention probabilities dominate:
 * B * heads * T^2 per layer).
 */
import { i, type OnnxGraph } from '../onnx-graph.ts';
import type { DropoutSite } from '../onnx-family.ts';

/** One mask input of a training graph. */
export interface DropoutMask {
  readonly name: string;               // the graph input: dropout.embd, dropout.attn.<layer>, dropout.attn-out.<layer>, dropout.mlp-out.<layer>
  readonly shape: readonly number[];   // [B, T, C], or [B, heads, T, T] for attention probabilities
  readonly rate: number;
}

/** The input name of a site's mask. */
function dropoutMaskName(site: Pick<DropoutSite, 'kind' | 'layer'>): string {
  return site.kind === 'embd' ? 'dropout.embd' : `dropout.${site.kind}.${site.layer}`;
}

/** The hook a training graph gives the family decoder (DecoderContext.dropout) for batches
 *  [B, T] of width C: for a site with rate > 0 it declares the mask input, records it in `masks`,
 *  and returns the dropped value; at rate 0 it returns the value unchanged. */
export function dropoutHook(g: OnnxGraph, B: number, T: number, C: number, masks: DropoutMask[]): (site: DropoutSite, value: string) => string {
  return (site, value) => {
    if (site.rate === 0) return value;
    if (!(site.rate > 0 && site.rate < 1)) throw new Error(`training graph ${g.name}: dropout rate at ${dropoutMaskName(site)} must be in (0, 1), got ${site.rate}`);
    if (site.kind === 'attn' && !(Number.isInteger(site.heads) && site.heads! > 0)) throw new Error(`training graph ${g.name}: attention dropout at layer ${site.layer} needs the layer's head count`);
    const name = dropoutMaskName(site);
    const shape = site.kind === 'attn' ? [B, site.heads!, T, T] : [B, T, C];
    masks.push({ name, shape, rate: site.rate });
    const keep = g.input(name, 'bool', shape);
    const scaled = g.op('Mul', [g.op('Cast', [keep], { to: i(1) }), g.float([1 / (1 - site.rate)], [])]);
    return g.op('Mul', [value, scaled]);
  };
}

/** Fills `into` (one byte array per mask, allocated here when absent) with keep masks drawn from
 *  `seed`: mask k from its own splitmix32 stream seeded by (seed, k), 1 = kept. */
export function fillDropoutMasks(masks: readonly DropoutMask[], seed: number, into: Map<string, Uint8Array> = new Map()): Map<string, Uint8Array> {
  if (!Number.isInteger(seed)) throw new Error(`dropout masks: seed must be an integer, got ${seed}`);
  masks.forEach((m, k) => {
    const n = m.shape.reduce((p, d) => p * d, 1);
    let a = into.get(m.name);
    if (!a || a.length !== n) { a = new Uint8Array(n); into.set(m.name, a); }
    const threshold = Math.min(Math.round(m.rate * 4294967296), 4294967295);
    let s = (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(k + 1, 0x85ebca6b)) >>> 0;
    for (let e = 0; e < n; e++) {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      a[e] = ((z ^ (z >>> 16)) >>> 0) >= threshold ? 1 : 0;
    }
  });
  return into;
}
