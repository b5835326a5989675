/**
 * The MMLU column's answer distribution (detail table) and the column -> lm-eval task mapping of
 * a profile that scores a variant (mmlu_continuation fills the mmlu column), on hand-made
 * per-document outcomes: 57 subjects with one question each, predicted positions cycling
 * 0,1,2,3,... (15 x A, 14 x B, 14 x C, 14 x D), every right answer A.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerDistribution, columnN, columnValue } from '../../kernel-lib/experiments/column-stats.ts';
import { columnTask, type EvaluateStepResult } from '../../kernel-lib/experiments/steps/evaluate-step.ts';
import { expandTasks } from '../../kernel-lib/eval/tasks/index.ts';
import { paperColumnOf } from '../../kernel-lib/report/paper.ts';

function result(group: 'mmlu' | 'mmlu_continuation'): EvaluateStepResult {
  const leaves = expandTasks([group]).tasks.map((t) => t.name);
  assert.equal(leaves.length, 57);
  const perDoc = Object.fromEntries(leaves.map((t, i) => [t, { gold: [0], pred: [i % 4], choices: [4] }]));
  return { model: 'm', scores: {}, perTask: {}, resultFile: '', perDoc, ...(group === 'mmlu' ? {} : { columnTasks: { mmlu: group } }) };
}

test('answer distribution: shares of predicted and right positions, pooled over the 57 subjects', () => {
  for (const group of ['mmlu', 'mmlu_continuation'] as const) {
    const e = result(group);
    const d = answerDistribution(e, 'mmlu')!;
    assert.deepEqual(d.answered, [15 / 57, 14 / 57, 14 / 57, 14 / 57], group);
    assert.deepEqual(d.gold, [1], group);
    assert.equal(columnN(e, 'mmlu'), 57);
    assert.equal(columnValue(e, 'mmlu'), 15 / 57, 'acc = the 15 questions answered A');
  }
});

test('column mapping: mmlu_continuation fills the mmlu column; other tasks are their own column', () => {
  assert.equal(paperColumnOf('mmlu_continuation'), 'mmlu');
  assert.equal(paperColumnOf('piqa'), 'piqa');
  assert.equal(columnTask(result('mmlu_continuation'), 'mmlu'), 'mmlu_continuation');
  assert.equal(columnTask(result('mmlu'), 'mmlu'), 'mmlu');
  assert.equal(answerDistribution({ ...result('mmlu'), perDoc: undefined }, 'mmlu'), null);
});
