/**
 * What forward-statistics criteria read about a group: its output projection's input channels.
 * Unit u of a group owns channels [u*w, (u+1)*w) of the projection's input (model/types.ts
 * PrunableGroup.output); these helpers give, per channel, the weight column's squared L2 norm and
 * L1 norm, and the group's channel moments, checked against the group's width.
 */
import type { LanguageModel, PrunableGroup } from '../../model/types.ts';
import { paramFloat32, paramShape } from '../../model/param-values.ts';
import type { ChannelMoments } from '../../engine/channel-moments.ts';
import type { ImportanceContext } from './types.ts';

type Output = NonNullable<PrunableGroup['output']>;

/** The group's output projection; throws naming the group when its family declares none. */
export function outputOf(group: PrunableGroup, criterion: string): Output {
  if (!group.output) throw new Error(`${criterion} importance: ${group.kind} layer ${group.layer} declares no output projection`);
  return group.output;
}

/** Per input channel j of the projection weight: sum_i W_ij^2 and sum_i |W_ij| (float64) [in]. */
export function inputColumnNorms(model: LanguageModel, out: Output): { sq: Float64Array; abs: Float64Array } {
  const shape = paramShape(model, out.weight);
  if (!shape || shape.length !== 2) throw new Error(`projection '${out.weight}': expected a 2-D weight, got ${shape ? `[${shape}]` : 'none'}`);
  const w = paramFloat32(model, out.weight);
  const [R, Cc] = shape as [number, number];
  const n = out.inAxis === 0 ? R : Cc;
  const sq = new Float64Array(n), abs = new Float64Array(n);
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < Cc; c++) {
      const x = w[r * Cc + c]!, j = out.inAxis === 0 ? r : c;
      sq[j]! += x * x;
      abs[j]! += Math.abs(x);
    }
  }
  return { sq, abs };
}

/** The calibration moments of the group's projection input; throws when missing or of another width. */
export function groupMoments(group: PrunableGroup, ctx: ImportanceContext, criterion: string): ChannelMoments {
  const key = `${group.kind}:${group.layer}`;
  const m = ctx.channelStats().get(key);
  if (!m) throw new Error(`${criterion} importance: the forward pass reported no statistics for ${group.kind} layer ${group.layer}`);
  const w = group.output?.width ?? m.mean.length / group.count;
  if (m.mean.length !== group.count * w) {
    throw new Error(`${criterion} importance: ${key} has ${m.mean.length} channels, expected ${group.count} units x ${w}`);
  }
  return m;
}

/** Sums per-channel values over each unit's channels: [count * w] -> [count]. */
export function sumPerUnit(values: ArrayLike<number>, count: number): Float32Array {
  const w = values.length / count;
  const out = new Float32Array(count);
  for (let u = 0; u < count; u++) {
    let s = 0;
    for (let j = 0; j < w; j++) s += values[u * w + j]!;
    out[u] = s;
  }
  return out;
}
