/**
 * flap, wanda-sp and activation on a 2-layer GPT-2 and a GQA Llama, from moments given by hand
 * (a context whose channelStats() returns them) and weights read as plain arrays: each score is
 * recomputed here from its paper's formula, unit by unit.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, getFamily, type LanguageModel } from '../../../kernel-lib/index.ts';
import { disposeModel } from '../../../kernel-lib/model/dispose-model.ts';
import type { PrunableGroup } from '../../../kernel-lib/model/types.ts';
import type { ChannelMoments } from '../../../kernel-lib/engine/channel-moments.ts';
import type { ImportanceContext } from '../../../kernel-lib/prune/importance/types.ts';
import { getImportance } from '../../../kernel-lib/prune/importance/index.ts';
import { tinyGpt2 } from '../tiny-gpt2.ts';
import { randomLlamaLike } from '../../helpers/random-llama-like.ts';

before(async () => { await initBackend({ quiet: true }); });

/** Moments of `cols` channels with mean j/10 - 1, variance 1 + j/4, squared norm 3 + j, |x| sum 2 + j/2 over 10 tokens. */
function moments(cols: number): ChannelMoments {
  const f = (g: (j: number) => number) => Float64Array.from({ length: cols }, (_, j) => g(j));
  return { count: 10, mean: f((j) => j / 10 - 1), m2: f((j) => 10 * (1 + j / 4)), sqNorm: f((j) => 3 + j), absSum: f((j) => 2 + j / 2) };
}

function ctxWith(model: LanguageModel): ImportanceContext {
  const stats = new Map<string, ChannelMoments>();
  for (const g of getFamily(model.family).groups(model)) stats.set(`${g.kind}:${g.layer}`, moments(g.count * g.output!.width));
  return { model, seed: 0, gradients: () => { throw new Error('no gradients here'); }, channelStats: () => stats, dispose: () => {} };
}

/** Input column j of the output projection as numbers (GPT-2 Conv1D [in, C]: row j; Linear [C, in]: column j). */
function column(model: LanguageModel, g: PrunableGroup, j: number): number[] {
  const w = model.params.get(g.output!.weight)!.arraySync() as number[][];
  return g.output!.inAxis === 0 ? w[j]! : w.map((row) => row[j]!);
}

function expectScores(model: LanguageModel, width: (g: PrunableGroup) => number): void {
  const ctx = ctxWith(model);
  for (const g of getFamily(model.family).groups(model)) {
    const w = width(g);
    assert.equal(g.output!.width, w, `${g.kind} ${g.layer}: channels per unit`);
    const flap = getImportance('flap')(g, ctx), wanda = getImportance('wanda-sp')(g, ctx), act = getImportance('activation')(g, ctx);
    for (let u = 0; u < g.count; u++) {
      let f = 0, s = 0, a = 0;
      for (let j = u * w; j < (u + 1) * w; j++) {
        const col = column(model, g, j);
        f += (1 + j / 4) * col.reduce((x, c) => x + c * c, 0);                  // Var(X_j) ||W_:,j||^2
        s += Math.sqrt(3 + j) * col.reduce((x, c) => x + Math.abs(c), 0);       // ||X_j|| sum_i |W_ij|
        a += (2 + j / 2) / 10 / w;                                              // mean |x| averaged over the unit
      }
      const close = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) <= 1e-5 * Math.abs(want), `${g.kind} ${g.layer} unit ${u} ${what}: ${got} vs ${want}`);
      close(flap[u]!, f, 'flap'); close(wanda[u]!, s, 'wanda-sp'); close(act[u]!, a, 'activation');
    }
  }
}

test('GPT-2 (2 layers, 4 heads of D = 4, 24 neurons): each criterion from its formula', () => {
  const m = tinyGpt2(7);
  expectScores(m, (g) => (g.kind === 'heads' ? 4 : 1));
  disposeModel(m);
});

test('GQA Llama: a heads unit is a key/value group, its channels the rep * D query-head columns', () => {
  const m = randomLlamaLike({ model_type: 'llama', vocab_size: 50, hidden_size: 24, num_hidden_layers: 2, intermediate_size: 40,
    max_position_embeddings: 64, num_attention_heads: 6, num_key_value_heads: 2, head_dim: 8 }, 2);
  const heads = getFamily(m.family).groups(m).find((g) => g.kind === 'heads')!;
  assert.equal(heads.count, 2);
  expectScores(m, (g) => (g.kind === 'heads' ? 3 * 8 : 1));
  disposeModel(m);
});
