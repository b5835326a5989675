/**
 * prune(model, config): the schedule loop. For each target of the schedule
 * (one-shot: [target]; iterative: Zhu & Gupta's cubic curve over `iterations`), plan on the
 * current model relative to the ORIGINAL parameter counts, apply, then recover (a callback, e.g.
 * a finetune on a corpus). Returns a new model and a JSON-serialisable log; the input
 * model is untouched.
 *
 * Resumable: with `outDir`, every finished iteration writes iter-<k>/plan.json and iter-<k>/model
 * (saveModel, lab layout so any shape reloads) and then run.json (the log so far, written last and
 * atomically). A rerun with the same config continues after the last finished iteration.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LanguageModel } from '../model/types.ts';
import { saveModel } from '../model/save-model.ts';
import { loadModel } from '../model/load-model.ts';
import { writeJsonAtomic, hashKey } from '../runtime/files.ts';
import { countParameters, type ParameterCounts } from './count-parameters.ts';
import { sparsity, type Sparsity } from './sparsity.ts';
import type { PruneConfig } from './prune-config.ts';
import { resolvePruneTarget, type PruneTarget } from './prune-target.ts';
import { planPruning } from './plan-pruning.ts';
import { applyPlan } from './apply-plan.ts';
import type { PruningPlan } from './pruning-plan.ts';
import type { Calibration } from './importance/importance-context.ts';
import { disposeModel } from '../model/dispose-model.ts';
import { modelFingerprint } from '../model/fingerprint.ts';

export interface PruneIteration {
  readonly iteration: number;            // 1-based
  readonly target: number;               // scheduled sparsity (counted config.of) after this iteration
  readonly parameters: ParameterCounts;  // after pruning
  readonly sparsity: Sparsity;           // achieved, relative to the original model
  readonly units: Readonly<Record<string, number[]>>; // kept units per layer, by kind
  /** The plan applied, scores dropped (kept indices replay it on the previous model; full plan in iter-<k>/plan.json). */
  readonly plan: PruningPlan;
  /** opts.evaluate right after pruning and after recovery (e.g. held-out perplexity); null without evaluate / recover. */
  readonly metricPruned: number | null;
  readonly metricRecovered: number | null;
  readonly seconds: { readonly plan: number; readonly recover: number };
}

export interface PruneLog {
  readonly config: PruneConfig;
  readonly configHash: string;
  readonly base: ParameterCounts;
  readonly metricBase: number | null;
  readonly iterations: readonly PruneIteration[];
}

/** Which model an evaluation is of: the base (iteration 0), or iteration k right after its prune / after its recovery. */
export interface EvaluationPoint { readonly iteration: number; readonly stage: 'base' | 'pruned' | 'recovered' }

export interface PruneRunOptions {
  /** Calibration sequences (equal length T+1) for taylor / activation. */
  readonly calibration?: Calibration;
  /** Recovery after each pruning step (e.g. finetune on a corpus for E epochs or N steps); omit for none. */
  readonly recover?: (model: LanguageModel, info: { readonly iteration: number; readonly iterations: number }) => Promise<LanguageModel>;
  /** A scalar to track (lower = better, e.g. held-out perplexity), measured on the base, after each prune and each recovery;
   *  `at` says which (iteration 0 = the base), so a caller can keep more than the scalar (e.g. per-block losses). */
  readonly evaluate?: (model: LanguageModel, at: EvaluationPoint) => Promise<number>;
  /** Folder for per-iteration plans, checkpoints and run.json (resume). */
  readonly outDir?: string;
  /** Free-form identity of recover/evaluate/calibration folded into the resume hash (so a changed recipe does not resume). */
  readonly recipe?: unknown;
  /** Called after each finished iteration (progress). */
  readonly onIteration?: (iteration: number, iterations: number) => void;
}


function unitsOf(plan: PruningPlan): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const g of plan.groups) (out[g.kind] ??= [])[g.layer] = g.keep.length;
  return out;
}

/** Prunes `model` to `config` (overrides of the defaults, or a target resolved once by resolvePruneTarget). */
export async function prune(
  model: LanguageModel, config: Partial<PruneConfig> | PruneTarget = {}, opts: PruneRunOptions = {},
): Promise<{ model: LanguageModel; log: PruneLog }> {
  const target = resolvePruneTarget(config);
  const cfg = target.config;
  const targets = target.fractions;
  const base = countParameters(model);
  // The input model's identity: a run folder made from another model must not be resumed.
  const configHash = hashKey({ cfg, recipe: opts.recipe ?? null, model: modelFingerprint(model) });
  let metricBase: number | null = null;
  const done: PruneIteration[] = [];
  let current = model;

  const runFile = opts.outDir ? join(opts.outDir, 'run.json') : null;
  if (runFile && existsSync(runFile)) {
    const prev = JSON.parse(readFileSync(runFile, 'utf8')) as PruneLog;
    if (prev.configHash !== configHash) {
      throw new Error(`prune: ${runFile} belongs to a different config or recipe (hash ${prev.configHash}, now ${configHash}); use another --out or delete it`);
    }
    metricBase = prev.metricBase;
    done.push(...prev.iterations);
    if (done.length) current = await loadModel(join(opts.outDir!, `iter-${done.length}`, 'model'));
  } else if (opts.evaluate) {
    metricBase = await opts.evaluate(model, { iteration: 0, stage: 'base' });
  }
  const writeLog = (): void => {
    if (runFile) writeJsonAtomic(runFile, { config: cfg, configHash, base, metricBase, iterations: done } satisfies PruneLog);
  };

  for (let k = done.length; k < targets.length; k++) {
    const t0 = performance.now();
    const plan = planPruning(current, target, { calibration: opts.calibration, base, iteration: k });
    let next = applyPlan(current, plan);
    if (current !== model) disposeModel(current);
    const tPlan = (performance.now() - t0) / 1000;
    const pruned = countParameters(next);
    const metricPruned = opts.evaluate ? await opts.evaluate(next, { iteration: k + 1, stage: 'pruned' }) : null;
    const t1 = performance.now();
    let metricRecovered: number | null = null;
    if (opts.recover) {
      const recovered = await opts.recover(next, { iteration: k + 1, iterations: targets.length });
      if (recovered !== next) disposeModel(next);
      next = recovered;
      metricRecovered = opts.evaluate ? await opts.evaluate(next, { iteration: k + 1, stage: 'recovered' }) : null;
    }
    current = next;
    done.push({
      iteration: k + 1, target: targets[k]!, parameters: pruned, sparsity: sparsity(base, pruned, cfg.groups),
      units: unitsOf(plan), plan: { ...plan, groups: plan.groups.map((g) => ({ ...g, scores: [] })) }, metricPruned, metricRecovered,
      seconds: { plan: tPlan, recover: (performance.now() - t1) / 1000 },
    });
    if (opts.outDir) {
      const dir = join(opts.outDir, `iter-${k + 1}`);
      writeJsonAtomic(join(dir, 'plan.json'), plan);
      await saveModel(current, join(dir, 'model'), { layout: 'lab' });
      writeLog();
    }
    opts.onIteration?.(k + 1, targets.length);
  }
  if (current === model) throw new Error('prune: the schedule produced no iteration');
  return { model: current, log: { config: cfg, configHash, base, metricBase, iterations: done } };
}
