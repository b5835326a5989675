/**
 * Global-norm gradient clipping as `torch.nn.utils.clip_grad_norm_` defines it: the norm is the
 * L2 norm of all gradients concatenated; if it exceeds `maxNorm`, every gradient is multiplied by
 * maxNorm / (norm + 1e-6) (PyTorch's epsilon), so the clipped norm is maxNorm up to that epsilon.
 * Gradients here are flat Float32Arrays read out of tfjs (the optimizer works in JS).
 */

/** The L2 norm from a sum of squares of unscaled values, each value multiplied by `scale`. */
export function normOfSquares(sumSquares: number, scale = 1): number {
  return Math.sqrt(sumSquares) * Math.abs(scale);
}

/** L2 norm of all arrays concatenated, each multiplied by `scale` first (accumulated in float64). */
export function globalNorm(grads: Iterable<Float32Array>, scale = 1): number {
  let sq = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) { const x = g[i]!; sq += x * x; }
  return normOfSquares(sq, scale);
}

/** The factor clipping applies for a given norm: min(1, maxNorm / (norm + 1e-6)); maxNorm 0 = no clipping. */
export function clipFactor(norm: number, maxNorm: number): number {
  if (maxNorm <= 0 || !(norm > maxNorm)) return 1;
  return maxNorm / (norm + 1e-6);
}

/** Clipped copies of `grads` (inputs untouched) and the norm before clipping. */
export function clipByGlobalNorm(grads: ReadonlyMap<string, Float32Array>, maxNorm: number): { grads: Map<string, Float32Array>; norm: number } {
  const norm = globalNorm(grads.values());
  const f = clipFactor(norm, maxNorm);
  const out = new Map<string, Float32Array>();
  for (const [k, g] of grads) out.set(k, f === 1 ? g.slice() : g.map((x) => x * f));
  return { grads: out, norm };
}
