/**
 * The pruning target resolved once (prune/prune-target.ts): the schedule's fractions and the
 * parameter counts they mean, against hand-computed values on literal parameter counts, and a
 * resolved target passing through unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paramsToRemove, resolvePruneTarget } from '../../kernel-lib/prune/prune-target.ts';
import type { ParameterCounts } from '../../kernel-lib/index.ts';

/** 1000 parameters: 300 embeddings, 200 in heads, 400 in MLP neurons, 100 elsewhere. */
const base: ParameterCounts = { embeddings: 300, attention: 250, mlp: 420, layerNorm: 30, other: 0, total: 1000, nonEmbedding: 700, prunable: { heads: 200, mlp: 400 } };
const near = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) < 1e-9, `${what}: ${got}, expected ${want}`);

test('fractions: one-shot is [target]; iterative is the cubic curve ending at the target', () => {
  assert.deepEqual(resolvePruneTarget({ target: 0.3, schedule: 'one-shot' }).fractions, [0.3]);
  const it = resolvePruneTarget({ target: 0.4, schedule: 'iterative', iterations: 2 });
  // 0.4 (1 - (1 - 1/2)^3) = 0.35, then 0.4 (1 - 0) = 0.4
  near(it.fractions[0]!, 0.35, 'iteration 1');
  assert.equal(it.fractions[1], 0.4);
  assert.equal(it.config.iterations, 2);
  assert.equal(it.config.criterion, 'taylor', 'defaults filled in');
});

test('paramsToRemove: the fraction of what `of` counts in the base, less what is already gone', () => {
  const mlp = resolvePruneTarget({ target: 0.3, of: 'pruned', groups: ['mlp'] });
  near(paramsToRemove(mlp, base, base), 0.3 * 400, 'pruned mlp from the base');
  near(paramsToRemove(mlp, { ...base, total: 950 }, base), 120 - 50, 'pruned mlp, 50 already removed');
  const both = resolvePruneTarget({ target: 0.3, of: 'pruned', groups: ['heads', 'mlp'] });
  near(paramsToRemove(both, base, base), 0.3 * 600, 'pruned heads + mlp');
  near(paramsToRemove(resolvePruneTarget({ target: 0.4, of: 'non-embedding' }), base, base), 0.4 * 700, 'non-embedding');
  const it = resolvePruneTarget({ target: 0.4, of: 'total', schedule: 'iterative', iterations: 2 });
  near(paramsToRemove(it, base, base, 0), 350, 'iteration 1 of total');
  near(paramsToRemove(it, { ...base, total: 650 }, base, 1), 400 - 350, 'iteration 2, after iteration 1 removed 350');
  near(paramsToRemove(it, { ...base, total: 650 }, base), 50, 'default: the last iteration');
  assert.throws(() => paramsToRemove(it, base, base, 2), /iteration 2 is outside the schedule's 2 iteration\(s\)/);
});

test('a resolved target passes through unchanged; a look-alike object is resolved as a config and refused', () => {
  const t = resolvePruneTarget({ target: 0.2 });
  assert.equal(resolvePruneTarget(t), t);
  assert.ok(Object.isFrozen(t) && Object.isFrozen(t.fractions));
  assert.throws(() => resolvePruneTarget({ config: t.config, fractions: [0.9] } as never), /PruneConfig: unknown key 'config'/);
  assert.throws(() => resolvePruneTarget({ target: 1.5 }), /PruneConfig\.target: expected a fraction in \(0, 1\)/);
});
