import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../kernel-lib/runtime/backend.ts';
import { lmLoss } from '../../kernel-lib/model/lm.ts';
import { gpt2 } from '../../kernel-lib/model/gpt2.ts';
import type { LanguageModel, PrunableGroup } from '../../kernel-lib/model/types.ts';
import { importanceCriteria, getImportance } from '../../kernel-lib/prune/importance/index.ts';
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

test('registry lists the five criteria', () => {
  assert.deepEqual([...importanceCriteria.keys()], ['magnitude-l1', 'magnitude-l2', 'taylor', 'activation', 'random']);
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

test('taylor equals sum |w * dL/dw| with dL/dw from central finite differences of the loss', () => {
  const m = tinyGpt2(9);
  const T = 8;
  const batch = {
    ids: tf.tensor2d(Int32Array.from(calibration.flatMap((s) => [...s.subarray(0, T)])), [4, T], 'int32'),
    targets: tf.tensor2d(Int32Array.from(calibration.flatMap((s) => [...s.subarray(1)])), [4, T], 'int32'),
    mask: tf.ones([4, T]) as tf.Tensor2D,
  };
  /** Loss with one element of one parameter shifted by delta (float32 model, fresh variable). */
  const lossAt = (name: string, flat: number, delta: number): number => {
    const v = m.params.get(name)!;
    const data = v.dataSync().slice();
    data[flat]! += delta;
    const nv = tf.variable(tf.tensor(data, v.shape));
    const params = new Map(m.params); params.set(name, nv);
    const l = tf.tidy(() => lmLoss({ ...m, params }, batch).dataSync()[0]!);
    nv.dispose();
    return l;
  };
  const ctx = createImportanceContext(m, calibration, { batch: 4, seed: 0 });
  const eps = 1e-2;   // loss ~3.9 in float32: rounding error ~4e-7/2e-2 = 2e-5 per derivative; O(eps^2) truncation
  for (const [kind, layer, u] of [['mlp', 0, 5], ['heads', 1, 2]] as const) {
    const g = group(m, kind, layer);
    const score = getImportance('taylor')(g, ctx)[u]!;
    // Element coordinates owned by unit u, from the group's declared slices (one element at a time).
    let ref = 0;
    for (const s of g.slices) {
      const t = m.params.get(s.param)!;
      const w = t.dataSync();
      for (let j = 0; j < s.width; j++) {
        const idx = s.offset + u * s.width + j;
        const flats: number[] = [];
        if (t.rank === 1) flats.push(idx);
        else if (s.axis === 0) for (let c = 0; c < t.shape[1]!; c++) flats.push(idx * t.shape[1]! + c);
        else for (let r = 0; r < t.shape[0]!; r++) flats.push(r * t.shape[1]! + idx);
        for (const f of flats) {
          const grad = (lossAt(s.param, f, eps) - lossAt(s.param, f, -eps)) / (2 * eps);
          ref += Math.abs(w[f]! * grad);
        }
      }
    }
    assert.ok(Math.abs(score - ref) < 0.03 * ref + 1e-5, `${kind} ${layer}/${u}: taylor ${score} vs finite differences ${ref}`);
  }
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
