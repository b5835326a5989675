import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, countParameters, sparsity, applyPlan } from '../../kernel-lib/index.ts';
import type { PlanGroup } from '../../kernel-lib/prune/pruning-plan.ts';
import { tinyGpt2, disposeModel } from './tiny-gpt2.ts';

before(async () => { await initBackend(); });

/**
 * Closed form of a GPT-2 parameter count, written out from the parameter table (model/gpt2.ts):
 *   embeddings  V*C + P*C                       (wte tied with the head: counted once)
 *   attention_l C*3hD + 3hD  (c_attn)  + hD*C + C  (c_proj)  = (4C+3)*h*D + C
 *   mlp_l       C*F + F      (c_fc)    + F*C + C   (c_proj)  = (2C+1)*F + C
 *   layerNorm   4C per layer + 2C (ln_f)
 */
function gpt2Count(V: number, P: number, C: number, D: number, heads: number[], widths: number[]) {
  const attention = heads.reduce((a, h) => a + (4 * C + 3) * h * D + C, 0);
  const mlp = widths.reduce((a, F) => a + (2 * C + 1) * F + C, 0);
  const embeddings = V * C + P * C;
  const layerNorm = 4 * C * heads.length + 2 * C;
  return { embeddings, attention, mlp, layerNorm, total: embeddings + attention + mlp + layerNorm };
}

test('the closed form reproduces GPT-2 small (docs/pruning-facts.md section 3: 124,439,808; one head 196,800; one neuron 1,537)', () => {
  const full = gpt2Count(50257, 1024, 768, 64, Array(12).fill(12), Array(12).fill(3072));
  assert.equal(full.total, 124_439_808);
  assert.equal(gpt2Count(50257, 1024, 768, 64, [11, ...Array(11).fill(12)], Array(12).fill(3072)).total, 124_439_808 - 196_800);
  assert.equal(gpt2Count(50257, 1024, 768, 64, Array(12).fill(12), [3071, ...Array(11).fill(3072)]).total, 124_439_808 - 1_537);
});

function plan(heads: number[][], neurons: number[][]): PlanGroup[] {
  const g: PlanGroup[] = [];
  heads.forEach((keep, layer) => g.push({ kind: 'heads', layer, count: 4, keep, scores: [] }));
  neurons.forEach((keep, layer) => g.push({ kind: 'mlp', layer, count: 24, keep, scores: [] }));
  return g;
}

const range = (n: number, from = 0) => [...Array(n).keys()].map((i) => i + from);

for (const [name, heads, neurons] of [
  ['unpruned', [], []],
  ['heads', [[0, 2], [1, 2, 3]], []],
  ['mlp', [], [range(10), range(17, 5)]],
  ['both', [[3], [0, 1]], [range(20), range(1, 23)]],
] as [string, number[][], number[][]][]) {
  test(`countParameters after pruning ${name} equals the closed form`, () => {
    const m = tinyGpt2(2);
    const p = applyPlan(m, { family: 'gpt2', criterion: 'manual', selection: 'manual', groups: plan(heads, neurons) });
    const c = countParameters(p);
    const h = [0, 1].map((l) => heads[l]?.length ?? 4), F = [0, 1].map((l) => neurons[l]?.length ?? 24);
    const want = gpt2Count(50, 16, 16, 4, h, F);
    assert.deepEqual(
      { embeddings: c.embeddings, attention: c.attention, mlp: c.mlp, layerNorm: c.layerNorm, total: c.total, other: c.other, nonEmbedding: c.nonEmbedding },
      { ...want, other: 0, nonEmbedding: want.total - want.embeddings });
    // Unit-owned (prunable) parameters: (4C+3)D per head, 2C+1 per neuron.
    assert.deepEqual(c.prunable, { heads: (4 * 16 + 3) * 4 * (h[0]! + h[1]!), mlp: (2 * 16 + 1) * (F[0]! + F[1]!) });
    const s = sparsity(m, p);
    const removed = gpt2Count(50, 16, 16, 4, [4, 4], [24, 24]).total - want.total;
    assert.equal(s.removed, removed);
    assert.equal(s.total, removed / 5008);
    assert.equal(s.nonEmbedding, removed / (5008 - 1056));
    assert.equal(s.pruned, removed / (2 * 4 * 268 + 2 * 24 * 33));
    disposeModel(m); disposeModel(p);
  });
}
