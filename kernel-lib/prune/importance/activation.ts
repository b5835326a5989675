/**
 * Activation importance: mean |activation| of the unit over the calibration tokens, read at the
 * family's capture sites (MLP hidden after the nonlinearity; per-head outputs before the output
 * projection). Forward-only, as NVIDIA Minitron's width criteria (Muralidharan et al. 2024,
 * "Compact Language Models via Pruning and Knowledge Distillation"): neurons by MLP activation,
 * heads by the magnitude of their outputs.
 */
import type { Importance } from './types.ts';

export const activation: Importance = (group, ctx) => {
  const key = `${group.kind}:${group.layer}`;
  const cols = ctx.activations().get(key);
  if (!cols) throw new Error(`activation importance: the forward pass reported no '${group.kind}' activations for layer ${group.layer}`);
  if (cols.length % group.count !== 0) {
    throw new Error(`activation importance: ${key} has ${cols.length} columns, not a multiple of its ${group.count} units`);
  }
  const width = cols.length / group.count;   // D for heads (head-major columns), 1 for neurons
  const out = new Float32Array(group.count);
  for (let u = 0; u < group.count; u++) {
    let s = 0;
    for (let j = 0; j < width; j++) s += cols[u * width + j]!;
    out[u] = s / width;
  }
  return out;
};
