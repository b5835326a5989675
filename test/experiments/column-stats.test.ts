/**
 * Column statistics of the study: per-document outcomes from a real evaluate() run reproduce the
 * lm-eval rows (acc of piqa, the size-weighted mmlu acc), and on hand-built outcomes the GLUE column
 * (mean of nine headline metrics) has the hand-derived chance level and the independent-mean stderr,
 * and the paired bootstrap of a single acc task agrees with the analytic paired stderr and McNemar.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, loadTokenizer, evaluate, mcnemarExact } from '../../kernel-lib/index.ts';
import { perDocOutcomes, type DocOutcomes } from '../../kernel-lib/experiments/per-doc-outcomes.ts';
import { columnChance, columnConstant, columnMaxChoices, columnN, columnStderr, columnValue, pairedColumnDelta } from '../../kernel-lib/experiments/column-stats.ts';
import type { EvaluateStepResult } from '../../kernel-lib/experiments/steps/evaluate-step.ts';
import { headline } from '../../kernel-lib/experiments/steps/evaluate-step.ts';
import { sampleStddev } from '../../kernel-lib/eval/metrics.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';
import { tinyModel } from '../helpers/tiny-gpt2.ts';
import { writeFixtureData } from '../eval/fixture-data.ts';

before(async () => { await initBackend(); });

test('per-document outcomes of a real evaluation reproduce lm-eval\'s acc rows', async () => {
  const { model } = tinyModel({ V: 50257, P: 32, C: 8, L: 1, H: 2 }, 3);
  const r = await evaluate(model, loadTokenizer('gpt2'), ['piqa', 'mmlu'], { dataDir: writeFixtureData(), logSamples: true, quiet: true, bootstrapIters: 0, cacheDir: null });
  const perDoc = perDocOutcomes(r);
  assert.equal(Object.keys(perDoc).length, 1 + 57);
  assert.deepEqual(perDoc.piqa!.choices, perDoc.piqa!.gold.map(() => 2));
  const e: EvaluateStepResult = { model: 'tiny', scores: {}, perTask: { ...r.results, ...r.groups }, resultFile: '', perDoc };
  for (const c of ['piqa', 'mmlu']) assert.ok(Math.abs(columnValue(e, c)! - headline(r, c)!) < 1e-12, c);
  assert.equal(columnN(e, 'mmlu'), 57 * 2);
  assert.equal(columnStderr(e, 'piqa'), r.results.piqa!['acc_stderr,none']);
  assert.equal(columnChance(e, 'piqa'), 0.5);
  assert.equal(columnChance(e, 'mmlu'), 0.25);
  assert.throws(() => perDocOutcomes({ ...r, samples: undefined }), /logSamples: true/);
});

const GLUE = ['cola', 'mnli', 'mnli_mismatch', 'mrpc', 'qnli', 'qqp', 'rte', 'sst2', 'wnli'];

/** 40 documents per GLUE task: gold label share 1/4 of label 1, predictions from a seeded RNG. */
function glueResult(seed: number, stderr: number): EvaluateStepResult {
  const rng = createRng(seed);
  const perDoc: Record<string, DocOutcomes> = {}, perTask: Record<string, Record<string, unknown>> = {};
  for (const t of GLUE) {
    const k = t.startsWith('mnli') ? 3 : 2;
    const gold = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    perDoc[t] = { gold, pred: gold.map(() => rng.int(k)), choices: gold.map(() => k) };
    perTask[t] = { 'acc_stderr,none': stderr, 'mcc_stderr,none': stderr, 'f1_stderr,none': stderr };
  }
  return { model: 'm', scores: {}, perTask, resultFile: '', perDoc };
}

test('GLUE column: hand-derived chance level and independent-mean stderr', () => {
  const e = glueResult(1, 0.06);
  // cola 0; mnli, mnli_mismatch 1/3; mrpc, qqp F1 = pi/(pi + 1/2) = 0.25/0.75 = 1/3; qnli, rte, sst2, wnli 1/2
  const hand = (0 + 1 / 3 + 1 / 3 + 1 / 3 + 0.5 + 1 / 3 + 0.5 + 0.5 + 0.5) / 9;
  assert.ok(Math.abs(columnChance(e, 'glue')! - hand) < 1e-15);
  // nine stderrs of 0.06: sqrt(9 * 0.0036) / 9 = 0.18 / 9 = 0.02
  assert.ok(Math.abs(columnStderr(e, 'glue')! - 0.02) < 1e-15);
  assert.equal(columnN(e, 'glue'), 360);
  const same = pairedColumnDelta(e, e, 'glue', { iters: 200 })!;
  assert.deepEqual([same.delta, same.p, same.significant], [0, 1, false]);
  const other = pairedColumnDelta(glueResult(2, 0.06), e, 'glue', { iters: 500 })!;
  assert.ok(other.ciLow <= other.delta && other.delta <= other.ciHigh);
  const bad = glueResult(3, 0.06);
  (bad.perDoc!.rte!.gold as number[])[0] = 1 - bad.perDoc!.rte!.gold[0]!;
  assert.throws(() => pairedColumnDelta(bad, e, 'glue'), /rte was evaluated on different documents/);
  assert.equal(pairedColumnDelta({ ...e, perDoc: undefined }, e, 'glue'), null);
});

test('single acc task: paired bootstrap stderr ~ sd(a - b)/sqrt(n), p agrees with McNemar on a clear effect', () => {
  const rng = createRng(4);
  const gold = Array.from({ length: 300 }, () => rng.int(2));
  const predA = gold.map((g) => (rng.next() < 0.75 ? g : 1 - g));
  const predB = predA.map((p, i) => (p === gold[i] && rng.next() < 0.3 ? 1 - p : p));
  const mk = (pred: number[]): EvaluateStepResult => ({ model: 'x', scores: {}, perTask: {}, resultFile: '', perDoc: { piqa: { gold, pred, choices: gold.map(() => 2) } } });
  const r = pairedColumnDelta(mk(predA), mk(predB), 'piqa', { iters: 20000, seed: 5 })!;
  const a = predA.map((p, i) => (p === gold[i] ? 1 : 0)), b = predB.map((p, i) => (p === gold[i] ? 1 : 0));
  const d = a.map((x, i) => x - b[i]!);
  assert.ok(Math.abs(r.stderr / (sampleStddev(d) / Math.sqrt(300)) - 1) < 0.03);
  assert.ok(r.significant && mcnemarExact(a, b).p < 0.05);
});

test('GLUE constant-answer baselines, hand-derived: always 0 and always 1 beat or miss the uniform chance level', () => {
  const e = glueResult(1, 0.06);   // every task: 40 documents, gold 1 on every 4th (share 1/4)
  // always label 0: acc tasks 3/4 (mnli, mnli_mismatch, qnli, rte, sst2, wnli); cola MCC 0; mrpc, qqp F1 0
  const zero = (6 * 0.75 + 0 + 0 + 0) / 9;
  // always label 1: acc 1/4 on the six acc tasks; cola MCC 0; F1 = 2 x 10 / (2 x 10 + 30 + 0) = 0.4 on mrpc and qqp
  const one = (6 * 0.25 + 0 + 2 * 0.4) / 9;
  assert.ok(Math.abs(columnConstant(e, 'glue', 0)! - zero) < 1e-15);
  assert.ok(Math.abs(columnConstant(e, 'glue', 1)! - one) < 1e-15);
  assert.ok(columnConstant(e, 'glue', 0)! > columnChance(e, 'glue')!, 'always 0 (the majority label) beats the uniform guess');
  assert.equal(columnConstant(e, 'glue', 2), null, 'label 2 exists on mnli only');
  assert.equal(columnMaxChoices(e, 'glue'), 3);
});
