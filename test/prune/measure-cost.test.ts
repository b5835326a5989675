import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, measureCost, applyPlan } from '../../kernel-lib/index.ts';
import { flopsPerToken } from '../../kernel-lib/prune/measure-cost.ts';
import { tinyGpt2, disposeModel } from './tiny-gpt2.ts';

before(async () => { await initBackend(); });

/**
 * Closed form (multiply-add = 2 FLOPs): per layer 2*(C*3hD + hD*C + C*F + F*C) for the matrices,
 * 2*2*((T+1)/2)*hD for causal scores + weighted values, and the head 2*V*C.
 * GPT-2 small at T=1024 gives 2*84,934,656 + 12*4*512.5*768 = 188,762,112 (docs/pruning-facts.md section 3: "about 189 MFLOP").
 */
function closedForm(C: number, D: number, V: number, T: number, heads: number[], widths: number[]) {
  const blocks = heads.reduce((a, h, l) => a + 2 * (C * 3 * h * D + h * D * C + 2 * C * widths[l]!), 0);
  const attention = heads.reduce((a, h) => a + 4 * ((T + 1) / 2) * h * D, 0);
  return { blocks, attention, head: 2 * V * C, total: blocks + attention + 2 * V * C };
}

test('the closed form reproduces the GPT-2 small figures of docs/pruning-facts.md section 3', () => {
  const f = closedForm(768, 64, 50257, 1024, Array(12).fill(12), Array(12).fill(3072));
  assert.equal(f.blocks + f.attention, 188_762_112);
  assert.equal(f.head, 77_194_752);
});

test('flopsPerToken equals the closed form before and after pruning; measureCost times batches', async () => {
  const m = tinyGpt2(15);
  assert.deepEqual(flopsPerToken(m, 12), closedForm(16, 4, 50, 12, [4, 4], [24, 24]));
  const p = applyPlan(m, { family: 'gpt2', criterion: 'manual', selection: 'manual', groups: [
    { kind: 'heads', layer: 1, count: 4, keep: [0, 3], scores: [] },
    { kind: 'mlp', layer: 0, count: 24, keep: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], scores: [] },
  ] });
  assert.deepEqual(flopsPerToken(p, 12), closedForm(16, 4, 50, 12, [4, 2], [10, 24]));
  const c = await measureCost(p, { seqLen: 8, batches: [1, 2], repeats: 1, engine: 'tfjs' });
  assert.deepEqual(c.latency.map((l) => [l.batch, l.seqLen, l.engine]), [[1, 8, 'tfjs'], [2, 8, 'tfjs']]);
  assert.ok(c.latency.every((l) => l.ms > 0 && l.peakBytes > 0));
  const o = await measureCost(p, { seqLen: 8, batches: [1, 2], repeats: 1, engine: 'ort' });
  assert.deepEqual(o.latency.map((l) => [l.batch, l.seqLen, l.engine]), [[1, 8, 'ort'], [2, 8, 'ort']]);
  assert.ok(o.latency.every((l) => l.ms > 0 && l.peakBytes >= 0));
  assert.equal(c.weightBytes, 4 * c.parameters.total);
  disposeModel(m); disposeModel(p);
});
