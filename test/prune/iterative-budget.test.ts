import { test } from 'node:test';
import assert from 'node:assert/strict';
import { budgetLabel, iterativeRecoveryPlan, iterativeRecoveryPlans } from '../../kernel-lib/prune/iterative-budget.ts';
import { recoveryStepsPerIteration } from '../../kernel-lib/prune/prune-recover.ts';
import { type RecoveryPlan } from '../../kernel-lib/index.ts';

// One-shot recovers 32768 tokens in blocks of 64, batches of 8: 512 tokens per update, 64 updates.
const tokensPlan: RecoveryPlan = { corpus: { kind: 'mini', corpora: ['sotu'] }, blockSize: 64, tokens: 32_768, epochsPerIteration: null, batchSize: 8, lr: 1e-3, evalBlocks: 4 };
const perUpdate = 8 * 64;

test('tokens mode, 4 iterations: equal = 32768 in all (8192 per iteration), write-up = 131072 in all (32768 per iteration)', () => {
  const equal = iterativeRecoveryPlan(tokensPlan, 4, 'equal');
  const writeUp = iterativeRecoveryPlan(tokensPlan, 4, 'write-up');
  assert.equal(equal.tokens, 32_768);
  assert.equal(writeUp.tokens, 131_072);
  assert.equal(equal.epochsPerIteration, null);
  assert.equal(writeUp.epochsPerIteration, null);
  // What the recovery actually runs per iteration (the train-block count does not matter in tokens mode):
  // equal 32768 / 4 = 8192 tokens = 16 updates; write-up 131072 / 4 = 32768 = 64 updates, one-shot's whole budget.
  assert.equal(recoveryStepsPerIteration(equal, 4, 1000, 64) * perUpdate, 8_192);
  assert.equal(recoveryStepsPerIteration(writeUp, 4, 1000, 64) * perUpdate, 32_768);
  assert.equal(recoveryStepsPerIteration(tokensPlan, 1, 1000, 64) * perUpdate, 32_768, 'one-shot: one round of 64 updates');
  // Nothing else of the plan changes.
  assert.deepEqual({ ...writeUp, tokens: 0 }, { ...tokensPlan, tokens: 0 });
  assert.deepEqual(iterativeRecoveryPlans(tokensPlan, 4), { equal, 'write-up': writeUp });
});

test('epochs mode, 3 epochs, 4 iterations: equal = 0.75 epochs per iteration, write-up = 3 per iteration', () => {
  const epochsPlan: RecoveryPlan = { ...tokensPlan, tokens: 0, epochsPerIteration: 3 };
  const equal = iterativeRecoveryPlan(epochsPlan, 4, 'equal');
  const writeUp = iterativeRecoveryPlan(epochsPlan, 4, 'write-up');
  assert.equal(equal.epochsPerIteration, 0.75);
  assert.equal(writeUp.epochsPerIteration, 3);
  assert.equal(equal.tokens, 0);
  assert.equal(writeUp.tokens, 0);
  // 160 train blocks, batches of 8: one epoch = 20 updates; 0.75 epochs = 15 updates, 3 epochs = 60.
  assert.equal(recoveryStepsPerIteration(equal, 4, 160, 64), 15);
  assert.equal(recoveryStepsPerIteration(writeUp, 4, 160, 64), 60);
});

test('one iteration: both budgets are one-shot\'s', () => {
  assert.deepEqual(iterativeRecoveryPlan(tokensPlan, 1, 'equal'), tokensPlan);
  assert.deepEqual(iterativeRecoveryPlan(tokensPlan, 1, 'write-up'), tokensPlan);
});

test('bad iterations and unknown budgets are rejected', () => {
  for (const k of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => iterativeRecoveryPlan(tokensPlan, k, 'equal'), /iterations must be an integer >= 1/, String(k));
    assert.throws(() => iterativeRecoveryPlans(tokensPlan, k), /iterations must be an integer >= 1/, String(k));
  }
  assert.throws(() => iterativeRecoveryPlan(tokensPlan, 4, 'double' as never), /budget must be one of equal, write-up/);
});

test('budget labels name the budget', () => {
  assert.equal(budgetLabel('equal', 4), 'equal budget');
  assert.equal(budgetLabel('write-up', 4), 'write-up budget: 4 x one-shot');
});
