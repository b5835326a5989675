/**
 * Step `evaluate`: the profile's benchmark tasks on one checkpoint (lm-eval semantics, eval/).
 * Keyed by the checkpoint's identity, the resolved evaluation config and the inputs' identities
 * (data files, task and harness versions: input-manifest.ts); the harness also caches every
 * request, so an interrupted evaluation resumes.
 */
import { join } from 'node:path';
import { evaluate, defaults as evalDefaults } from '../../eval/evaluate.ts';
import { evalInputs } from '../input-manifest.ts';
import type { EvalResult } from '../../eval/types.ts';
import { writeJsonAtomic } from '../../runtime/files.ts';
import { cachedStep, type StepOutcome } from '../step-cache.ts';
import { checkpointKey, openStudyModel, studyDataDir } from '../study-inputs.ts';
import { disposeModel } from '../../model/dispose-model.ts';
import type { Profile } from '../profiles.ts';
import { paperColumnOf, type PaperTask } from '../../report/paper.ts';
import { perDocOutcomes, type DocOutcomes } from '../per-doc-outcomes.ts';

export interface EvaluateStepResult {
  readonly model: string;                                        // checkpoint folder evaluated
  readonly scores: Readonly<Partial<Record<PaperTask, number>>>; // headline metric per study column
  readonly perTask: Readonly<Record<string, Readonly<Record<string, unknown>>>>; // every task / group row
  readonly resultFile: string;                                   // lm-eval-shaped JSON
  /** Per leaf task, per document: gold, predicted index, choice count (absent in steps cached before it). */
  readonly perDoc?: Readonly<Record<string, DocOutcomes>>;
  /** The lm-eval task or group behind each column when it is a variant (mini: mmlu -> mmlu_continuation). */
  readonly columnTasks?: Readonly<Partial<Record<PaperTask, string>>>;
}

/** The lm-eval task or group name behind a study column of an evaluated model. */
export function columnTask(e: EvaluateStepResult, column: string): string {
  return e.columnTasks?.[column as PaperTask] ?? column;
}

/** The study's column value of a task or group row: acc, or our GLUE mean ('score'). */
export function headline(result: EvalResult, task: string): number | undefined {
  const row = result.results[task] ?? result.groups[task];
  if (!row) return undefined;
  const v = row['acc,none'] ?? row['score,none'];
  return typeof v === 'number' ? v : undefined;
}

export async function evaluateStep(profile: Profile, modelDir: string): Promise<StepOutcome<EvaluateStepResult>> {
  const dataDir = studyDataDir(profile);
  // The resolved evaluation config (defaults filled in) and the identity of every input.
  const { tasks, limit, batchSize, bootstrapIters } = { ...evalDefaults, ...profile.eval };
  const key = {
    model: checkpointKey(modelDir), eval: { tasks, limit, batchSize, bootstrapIters, logSamples: evalDefaults.logSamples },
    inputs: evalInputs(dataDir, tasks),
  };
  return cachedStep('evaluate', key, async (dir) => {
    const { model, tokenizer } = await openStudyModel(modelDir);
    try {
      const result = await evaluate(model, tokenizer, profile.eval.tasks, {
        dataDir, limit: profile.eval.limit, batchSize: profile.eval.batchSize, bootstrapIters: profile.eval.bootstrapIters, modelName: modelDir, quiet: true, logSamples: true,
        ...(profile.eval.engine ? { engine: profile.eval.engine } : {}),
      });
      const perDoc = perDocOutcomes(result);
      const { samples: _samples, ...lean } = result;
      const resultFile = join(dir, 'results.json');
      writeJsonAtomic(resultFile, lean);
      const scores: Partial<Record<PaperTask, number>> = {};
      const columnTasks: Partial<Record<PaperTask, string>> = {};
      for (const t of profile.eval.tasks) {
        const column = paperColumnOf(t) as PaperTask;
        if (column !== t) columnTasks[column] = t;
        const v = headline(result, t);
        if (v !== undefined) scores[column] = v;
      }
      return { model: modelDir, scores, perTask: { ...result.results, ...result.groups }, resultFile, perDoc, columnTasks };
    } finally {
      disposeModel(model);
    }
  });
}
