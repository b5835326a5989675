/**
 * The study as a chain of cached steps, one function per notebook:
 *   baselines -> multitask fine-tuning -> GPT-2 pruning (one-shot, iterative) -> OLMo pruning.
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
import type { ModelRole, Profile } from './profiles.ts';

export interface Evaluated<T = undefined> {
  readonly label: string;                                 // row label in our tables
  readonly paperRow: string;                              // PAPER row id it stands beside
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

async function prunedFrom(profile: Profile, role: ModelRole, schedule: ScheduleName, ft: StepOutcome<MultitaskStepResult>): Promise<Evaluated<StepOutcome<PruneStepResult>>> {
  const plan = role === 'gpt2' ? profile.gpt2Prune : profile.olmoPrune;
  const step = await pruneStep(profile, plan, schedule, ft.result.modelDir);
  const last = step.result.log.iterations.at(-1)!;
  const pct = `${(100 * last.sparsity.pruned).toFixed(0)}% of ${plan.prune.groups?.join('+')}`;
  const label = `${profile.models[role].label} ${schedule} pruned (${pct}) + recovered`;
  const paperRow = role === 'olmo' ? 't3.olmo-pruned' : schedule === 'iterative' ? 't2.gpt2-pruned-iterative' : 't2.gpt2-pruned-oneshot';
  return { label, paperRow, eval: await evaluateStep(profile, step.result.modelDir), step };
}

/** Table 2: the fine-tuned GPT-2 pruned one-shot and iteratively (same target, same recovery budget). */
export async function gpt2Pruning(profile: Profile): Promise<{ finetuned: Evaluated<StepOutcome<MultitaskStepResult>>; oneShot: Evaluated<StepOutcome<PruneStepResult>>; iterative: Evaluated<StepOutcome<PruneStepResult>> }> {
  const ft = await finetunedRole(profile, 'gpt2');
  return { finetuned: ft, oneShot: await prunedFrom(profile, 'gpt2', 'one-shot', ft.step), iterative: await prunedFrom(profile, 'gpt2', 'iterative', ft.step) };
}

/** Table 3: the fine-tuned OLMo role pruned one-shot, MLP only, 50%. */
export async function olmoPruning(profile: Profile): Promise<{ finetuned: Evaluated<StepOutcome<MultitaskStepResult>>; pruned: Evaluated<StepOutcome<PruneStepResult>> }> {
  const ft = await finetunedRole(profile, 'olmo');
  return { finetuned: ft, pruned: await prunedFrom(profile, 'olmo', 'one-shot', ft.step) };
}
