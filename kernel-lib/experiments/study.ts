/**
 * The study as a chain of cached steps, one function per notebook:
 *   baselines -> multitask fine-tuning -> GPT-2 pruning (one-shot; iterative at an equal total recovery
 *   budget and at the write-up's, iterations x one-shot's) -> OLMo pruning. The one-shot pruned models
 *   are also evaluated right after the cut, before their recovery; the fine-tuned GPT-2 is also given
 *   the one-shot run's recovery training without pruning (the dense control).
 * Each function runs (or reads back) the steps it needs and returns plain data; `study-tables.ts`
 * turns that data into Tables 1-3 and the plots. Re-running returns cached results at once.
 */
import type { ScheduleName } from '../prune/prune-config.ts';
import type { StepOutcome } from './step-cache.ts';
import { studyDataDir } from './study-inputs.ts';
import { resolveModelDir } from '../model/load-model.ts';
import { evaluateStep, type EvaluateStepResult } from './steps/evaluate-step.ts';
import { multitaskStep, type MultitaskStepResult } from './steps/multitask-step.ts';
import { pruneStep, type PruneStepResult } from './steps/prune-step.ts';
import { denseControlStep, type DenseControlStepResult } from './steps/dense-control-step.ts';
import type { ModelRole, PrunePlanConfig, Profile } from './profiles.ts';
import { budgetLabel, type IterativeBudget } from '../prune/iterative-budget.ts';

export interface Evaluated<T = undefined> {
  readonly label: string;                                 // row label in our tables
  readonly paperRow: string | null;                       // PAPER row id it stands beside (null: none published)
  readonly eval: StepOutcome<EvaluateStepResult>;
  readonly step: T;
}

function baseDir(profile: Profile, role: ModelRole): Promise<string> {
  return resolveModelDir(profile.models[role].id);
}

/** Table 1, top rows: the base models evaluated. */
export async function baselines(profile: Profile): Promise<Record<ModelRole, Evaluated>> {
  studyDataDir(profile);   // generate (mini) or check the data folder before any model work
  const out = {} as Record<ModelRole, Evaluated>;
  for (const role of ['gpt2', 'olmo'] as const) {
    const m = profile.models[role];
    out[role] = { label: m.label, paperRow: role === 'gpt2' ? 't1.gpt2' : 't1.olmo', eval: await evaluateStep(profile, await baseDir(profile, role)), step: undefined };
  }
  return out;
}

/** One base model fine-tuned on the multi-task mixture, evaluated. */
async function finetunedRole(profile: Profile, role: ModelRole): Promise<Evaluated<StepOutcome<MultitaskStepResult>>> {
  const ft = await multitaskStep(profile, await baseDir(profile, role));
  return {
    label: `${profile.models[role].label} fine-tuned`, paperRow: role === 'gpt2' ? 't1.gpt2-ft' : 't1.olmo-ft',
    eval: await evaluateStep(profile, ft.result.modelDir), step: ft,
  };
}

/** Table 1: each base model fine-tuned on the multi-task mixture, evaluated. */
export async function finetuned(profile: Profile): Promise<Record<ModelRole, Evaluated<StepOutcome<MultitaskStepResult>>>> {
  return { gpt2: await finetunedRole(profile, 'gpt2'), olmo: await finetunedRole(profile, 'olmo') };
}

/** A pruned model: which schedule and which recovery budget ('one-shot' = the plan's own; 'none' = not recovered, evaluated right after the cut). */
export interface Pruned extends Evaluated<StepOutcome<PruneStepResult>> {
  readonly budget: 'one-shot' | 'none' | IterativeBudget;
}

async function prunedFrom(profile: Profile, role: ModelRole, schedule: ScheduleName, ft: StepOutcome<MultitaskStepResult>, budget: IterativeBudget | null = null): Promise<Pruned> {
  const base = role === 'gpt2' ? profile.gpt2Prune : profile.olmoPrune;
  if (budget !== null && role !== 'gpt2') throw new Error(`prunedFrom: recovery budgets are a GPT-2 setting, not ${role}'s`);
  const plan: PrunePlanConfig = budget === null ? base : { prune: base.prune, recovery: profile.gpt2Prune.iterativeRecovery[budget] };
  const step = await pruneStep(profile, plan, schedule, ft.result.modelDir);
  const how = budget === null ? '' : ` (${budgetLabel(budget, step.result.log.iterations.length)})`;
  const label = `${profile.models[role].label} ${schedule}${how} pruned (${prunedShare(step, plan)}) + recovered`;
  // The write-up's iterative row recovered 3 epochs after each step: our write-up-budget run stands beside it;
  // the equal-budget run has no published counterpart.
  const paperRow = role === 'olmo' ? 't3.olmo-pruned' : schedule === 'one-shot' ? 't2.gpt2-pruned-oneshot' : budget === 'write-up' ? 't2.gpt2-pruned-iterative' : null;
  return { label, paperRow, eval: await evaluateStep(profile, step.result.modelDir), step, budget: budget ?? 'one-shot' };
}

/** "47% of heads+mlp": the share of the pruned kinds' weights the step removed. */
function prunedShare(step: StepOutcome<PruneStepResult>, plan: PrunePlanConfig): string {
  return `${(100 * step.result.log.iterations.at(-1)!.sparsity.pruned).toFixed(0)}% of ${plan.prune.groups?.join('+')}`;
}

/** The fine-tuned model pruned one-shot with the role's plan and evaluated right after the cut, without recovery (no published row). */
async function oneShotBeforeRecoveryFrom(profile: Profile, role: ModelRole, ft: StepOutcome<MultitaskStepResult>): Promise<Pruned> {
  const plan = role === 'gpt2' ? profile.gpt2Prune : profile.olmoPrune;
  const step = await pruneStep(profile, plan, 'one-shot', ft.result.modelDir, { recover: false });
  const label = `${profile.models[role].label} one-shot pruned (${prunedShare(step, plan)}), before recovery`;
  return { label, paperRow: null, eval: await evaluateStep(profile, step.result.modelDir), step, budget: 'none' };
}

/** How a pruned run recovered: 'one-shot', 'one-shot before recovery', or 'iterative (equal budget)' / 'iterative (write-up budget: 4 x one-shot)'. */
export function runName(e: Pruned): string {
  if (e.budget === 'one-shot') return e.step.result.schedule;
  if (e.budget === 'none') return `${e.step.result.schedule} before recovery`;
  return `${e.step.result.schedule} (${budgetLabel(e.budget, e.step.result.log.iterations.length)})`;
}

/** The fine-tuned model given the one-shot run's recovery training without pruning (steps/dense-control-step.ts; no published row). */
async function denseControlFrom(profile: Profile, role: ModelRole, ft: StepOutcome<MultitaskStepResult>): Promise<Evaluated<StepOutcome<DenseControlStepResult>>> {
  const plan = role === 'gpt2' ? profile.gpt2Prune : profile.olmoPrune;
  const step = await denseControlStep(profile, plan, ft.result.modelDir);
  const label = `${profile.models[role].label} dense control (fine-tuned + one-shot's recovery training, not pruned)`;
  return { label, paperRow: null, eval: await evaluateStep(profile, step.result.modelDir), step };
}

export interface Gpt2Pruning {
  readonly finetuned: Evaluated<StepOutcome<MultitaskStepResult>>;
  readonly oneShot: Pruned;
  /** Iterative at one-shot's total recovery budget, split over the iterations. */
  readonly iterative: Pruned;
  /** Iterative at the write-up's budget: each iteration recovers as long as one-shot in total. */
  readonly iterativeWriteUp: Pruned;
  /** The three pruned models in table order: one-shot, iterative (equal), iterative (write-up). */
  readonly pruned: readonly Pruned[];
  /** The one-shot cut evaluated right after pruning, before any recovery (budget 'none'; not in `pruned`). */
  readonly oneShotBeforeRecovery: Pruned;
  /** The fine-tuned model given one-shot's recovery training (same tokens, lr, data, seed) without pruning. */
  readonly denseControl: Evaluated<StepOutcome<DenseControlStepResult>>;
}

export interface OlmoPruning {
  readonly finetuned: Evaluated<StepOutcome<MultitaskStepResult>>;
  readonly pruned: Pruned;
  /** The same one-shot cut evaluated right after pruning, before any recovery (budget 'none'). */
  readonly oneShotBeforeRecovery: Pruned;
}

/** Table 2: the fine-tuned GPT-2 pruned one-shot and iteratively (same target), iterative at two recovery budgets; one-shot also before recovery; the dense control. */
export async function gpt2Pruning(profile: Profile): Promise<Gpt2Pruning> {
  const ft = await finetunedRole(profile, 'gpt2');
  const oneShot = await prunedFrom(profile, 'gpt2', 'one-shot', ft.step);
  const iterative = await prunedFrom(profile, 'gpt2', 'iterative', ft.step, 'equal');
  const iterativeWriteUp = await prunedFrom(profile, 'gpt2', 'iterative', ft.step, 'write-up');
  const oneShotBeforeRecovery = await oneShotBeforeRecoveryFrom(profile, 'gpt2', ft.step);
  const denseControl = await denseControlFrom(profile, 'gpt2', ft.step);
  return { finetuned: ft, oneShot, iterative, iterativeWriteUp, pruned: [oneShot, iterative, iterativeWriteUp], oneShotBeforeRecovery, denseControl };
}

/** Table 3: the fine-tuned OLMo role pruned one-shot, MLP only, 50%, after and before recovery. */
export async function olmoPruning(profile: Profile): Promise<OlmoPruning> {
  const ft = await finetunedRole(profile, 'olmo');
  const pruned = await prunedFrom(profile, 'olmo', 'one-shot', ft.step);
  return { finetuned: ft, pruned, oneShotBeforeRecovery: await oneShotBeforeRecoveryFrom(profile, 'olmo', ft.step) };
}
