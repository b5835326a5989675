import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type LanguageModel, importanceCriteria } from '../../kernel-lib/index.ts';
import { lmLoss, lossAndGrads } from '../../kernel-lib/model/lm.ts';
import { gpt2 } from '../../kernel-lib/model/gpt2.ts';
import type { PrunableGroup } from '../../kernel-lib/model/types.ts';
import { getImportance } from '../../kernel-lib/prune/importance/index.ts';
import { createImportanceContext } from '../../kernel-lib/prune/importance/importance-context.ts';
import { tinyGpt2, disposeModel } from './tiny-gpt2.ts';

before(async () => { await initBackend(); });

const C = 16, D = 4, H = 4;
const calibration = [0, 1, 2, 3].map((s) => Int32Array.from({ length: 9 }, (_, i) => (i * 5 + s * 11 + 1) % 50));

/** Elements unit u owns, read from plain arrays by hand (independent of unitBlocks). */
function ownedElements(kind: 'heads' | 'mlp', layer: number, u: number, src: (name: string) => number[][] | number[]): number[] {
  const out: number[] = [];
  if (kind === 'mlp') {
    const fc = src(`h.${layer}.mlp.c_fc.weight`) as number[][], b = src(`h.${layer}.mlp.c_fc.bias`) as number[];
    const pr = src(`h.${layer}.mlp.c_proj.weight`) as number[][];
    for (let i = 0; i < C; i++) out.push(fc[i]![u]!);
    out.push(b[u]!);
    out.push(...pr[u]!);
  } else {
    const w = src(`h.${layer}.attn.c_attn.weight`) as number[][], b = src(`h.${layer}.attn.c_attn.bias`) as number[];
    const pr = src(`h.${layer}.attn.c_proj.weight`) as number[][];
    for (const blk of [0, 1, 2]) for (let j = 0; j < D; j++) {
      const col = blk * H * D + u * D + j;
      for (let i = 0; i < C; i++) out.push(w[i]![col]!);
      out.push(b[col]!);
    }
    for (let j = 0; j < D; j++) out.push(...pr[u * D + j]!);
  }
  return out;
}

function group(m: LanguageModel, kind: 'heads' | 'mlp', layer: number): PrunableGroup {
  return gpt2.groups(m as never).find((g) => g.kind === kind && g.layer === layer)!;
}

test('registry lists the seven criteria', () => {
  assert.deepEqual([...importanceCriteria.keys()], ['magnitude-l1', 'magnitude-l2', 'taylor', 'activation', 'random', 'flap', 'wanda-sp']);
});

test('magnitude L1/L2 equal the norms of every element a unit owns, computed by hand', () => {
  const m = tinyGpt2(8);
  const ctx = createImportanceContext(m, [], { batch: 1, seed: 0 });
  const src = (n: string) => m.params.get(n)!.arraySync() as number[][];
  for (const [kind, layer] of [['mlp', 1], ['heads', 0]] as const) {
    const g = group(m, kind, layer);
    const l1 = getImportance('magnitude-l1')(g, ctx), l2 = getImportance('magnitude-l2')(g, ctx);
    for (let u = 0; u < g.count; u++) {
      const e = ownedElements(kind, layer, u, src);
      assert.equal(e.length, kind === 'mlp' ? 2 * C + 1 : (4 * C + 3) * D);
      const r1 = e.reduce((a, x) => a + Math.abs(x), 0), r2 = Math.sqrt(e.reduce((a, x) => a + x * x, 0));
      assert.ok(Math.abs(l1[u]! - r1) < 1e-4 * r1, `${kind} ${u}: l1 ${l1[u]} vs ${r1}`);
      assert.ok(Math.abs(l2[u]! - r2) < 1e-4 * r2, `${kind} ${u}: l2 ${l2[u]} vs ${r2}`);
    }
  }
  disposeModel(m);
});

test('taylor equals sum |w * dL/dw| checked against central finite differences of the loss', () => {
  const m = tinyGpt2(9);
  const T = 8;
  const batch = {
    ids: tf.tensor2d(Int32Array.from(calibration.flatMap((s) => [...s.subarray(0, T)])), [4, T], 'int32'),
    targets: tf.tensor2d(Int32Array.from(calibration.flatMap((s) => [...s.subarray(1)])), [4, T], 'int32'),
    mask: tf.ones([4, T]) as tf.Tensor2D,
  };
  /** Loss with parameters shifted by delta * direction (direction: param -> flat index -> coefficient). */
  const lossAt = (dir: Map<string, Map<number, number>>, delta: number): number => {
    const params = new Map(m.params);
    const fresh: tf.Variable[] = [];
    for (const [name, coef] of dir) {
      const v = m.params.get(name)!;
      const data = v.dataSync().slice();
      for (const [f, c] of coef) data[f]! += delta * c;
      const nv = tf.variable(tf.tensor(data, v.shape));
      fresh.push(nv); params.set(name, nv);
    }
    const l = tf.tidy(() => lmLoss({ ...m, params }, batch).dataSync()[0]!);
    fresh.forEach((v) => v.dispose());
    return l;
  };
  /** Flat indices unit u owns in each sliced tensor, from the group's declared slices. */
  const owned = (g: PrunableGroup, u: number): [string, number][] => g.slices.flatMap((s) => {
    const t = m.params.get(s.param)!;
    const out: [string, number][] = [];
    for (let j = 0; j < s.width; j++) {
      const idx = s.offset + u * s.width + j;
      if (t.rank === 1) out.push([s.param, idx]);
      else if (s.axis === 0) for (let c = 0; c < t.shape[1]!; c++) out.push([s.param, idx * t.shape[1]! + c]);
      else for (let r = 0; r < t.shape[0]!; r++) out.push([s.param, r * t.shape[1]! + idx]);
    }
    return out;
  });
  const ctx = createImportanceContext(m, calibration, { batch: 4, seed: 0 });
  const eps = 1e-2;   // loss ~3.9 in float32: rounding error ~4e-7/2e-2 = 2e-5 per derivative; O(eps^2) truncation
  // (1) An MLP neuron, element by element: 2 x 33 loss evaluations give every dL/dw independently.
  const gm = group(m, 'mlp', 0), u = 5;
  let ref = 0;
  for (const [name, f] of owned(gm, u)) {
    const dir = new Map([[name, new Map([[f, 1]])]]);
    ref += Math.abs(m.params.get(name)!.dataSync()[f]! * (lossAt(dir, eps) - lossAt(dir, -eps)) / (2 * eps));
  }
  const sm = getImportance('taylor')(gm, ctx)[u]!;
  assert.ok(Math.abs(sm - ref) < 0.03 * ref + 1e-5, `mlp neuron: taylor ${sm} vs finite differences ${ref}`);
  // (2) A head (268 elements), in one directional derivative: along d_i = sign(w_i g_i) w_i the
  // derivative is sum sign(w_i g_i) w_i g_i, which equals sum |w_i g_i| only if every sign is right
  // and is smaller otherwise; signs come from lossAndGrads, the magnitude from the finite difference.
  const gh = group(m, 'heads', 1), h = 2;
  const { grads } = lossAndGrads(m, batch);
  const dir = new Map<string, Map<number, number>>();
  for (const [name, f] of owned(gh, h)) {
    const w = m.params.get(name)!.dataSync()[f]!, g = grads.get(name)!.dataSync()[f]!;
    if (!dir.has(name)) dir.set(name, new Map());
    dir.get(name)!.set(f, Math.sign(w * g) * w);
  }
  tf.dispose([...grads.values()]);
  const refHead = (lossAt(dir, eps) - lossAt(dir, -eps)) / (2 * eps);
  const sh = getImportance('taylor')(gh, ctx)[h]!;
  assert.ok(Math.abs(sh - refHead) < 0.03 * refHead + 1e-5, `head: taylor ${sh} vs finite differences ${refHead}`);
  ctx.dispose();
  tf.dispose([batch.ids, batch.targets, batch.mask]);
  disposeModel(m);
});

test('activation equals mean |activation| per unit over all calibration tokens', () => {
  const m = tinyGpt2(10);
  const T = 8;
  const ids = tf.tensor2d(Int32Array.from(calibration.flatMap((s) => [...s.subarray(0, T)])), [4, T], 'int32');
  const seen = new Map<string, number[][]>();
  tf.tidy(() => { gpt2.hidden(m as never, ids, { capture: (site, a) => { seen.set(`${site.kind}:${site.layer}`, a.arraySync()); } }); });
  const ctx = createImportanceContext(m, calibration, { batch: 2, seed: 0 });   // two batches, averaged
  for (const [kind, layer] of [['mlp', 1], ['heads', 0]] as const) {
    const g = group(m, kind, layer);
    const a = seen.get(`${kind}:${layer}`)!;   // [N, count*width]
    const width = kind === 'heads' ? D : 1;
    const s = getImportance('activation')(g, ctx);
    for (let u = 0; u < g.count; u++) {
      let sum = 0;
      for (const row of a) for (let j = 0; j < width; j++) sum += Math.abs(row[u * width + j]!);
      const ref = sum / (a.length * width);
      assert.ok(Math.abs(s[u]! - ref) < 1e-5 + 1e-4 * ref, `${kind} ${u}: ${s[u]} vs ${ref}`);
    }
  }
  ids.dispose();
  disposeModel(m);
});

test('random is seeded: same seed same scores, another seed different', () => {
  const m = tinyGpt2(1);
  const g = group(m, 'mlp', 0);
  const at = (seed: number) => [...getImportance('random')(g, createImportanceContext(m, [], { batch: 1, seed }))];
  assert.deepEqual(at(3), at(3));
  assert.notDeepEqual(at(3), at(4));
  disposeModel(m);
});
