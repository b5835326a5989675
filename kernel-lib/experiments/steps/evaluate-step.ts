/**
 * Step `evaluate`: the profile's benchmark tasks on one checkpoint (lm-eval semantics, eval/).
 * Keyed by the checkpoint's identity and the evaluation config; the harness also caches every
 * request, so an interrupted evaluation resumes.
 */
import { join } from 'node:path';
import { evaluate } from '../../eval/evaluate.ts';
import type { EvalResult } from '../../eval/types.ts';
import { writeJsonAtomic } from '../../runtime/files.ts';
import { cachedStep, type StepOutcome } from '../step-cache.ts';
import { checkpointKey, openStudyModel, studyDataDir } from '../study-inputs.ts';
import { disposeModel } from '../../model/dispose-model.ts';
import type { Profile } from '../profiles.ts';
import type { PaperTask } from '../../report/paper.ts';

export interface EvaluateStepResult {
  readonly model: string;                                        // checkpoint folder evaluated
  readonly scores: Readonly<Partial<Record<PaperTask, number>>>; // headline metric per study column
  readonly perTask: Readonly<Record<string, Readonly<Record<string, unknown>>>>; // every task / group row
  readonly resultFile: string;                                   // lm-eval-shaped JSON
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
  const key = { model: checkpointKey(modelDir), eval: profile.eval, dataDir: profile.data };
  return cachedStep('evaluate', key, async (dir) => {
    const { model, tokenizer } = await openStudyModel(modelDir);
    try {
      const result = await evaluate(model, tokenizer, profile.eval.tasks, {
        dataDir, limit: profile.eval.limit, batchSize: profile.eval.batchSize, bootstrapIters: profile.eval.bootstrapIters, modelName: modelDir, quiet: true,
        ...(profile.eval.engine ? { engine: profile.eval.engine } : {}),
      });
      const resultFile = join(dir, 'results.json');
      writeJsonAtomic(resultFile, result);
      const scores: Partial<Record<PaperTask, number>> = {};
      for (const t of profile.eval.tasks) { const v = headline(result, t); if (v !== undefined) scores[t as PaperTask] = v; }
      return { model: modelDir, scores, perTask: { ...result.results, ...result.groups }, resultFile };
    } finally {
      disposeModel(model);
    }
  });
}
