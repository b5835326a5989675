/**
 * The study as a chain of cached steps, one function per notebook:
 *   baselines -> multitask fine-tuning -> GPT-2 pruning (one-shot; iterative at an equal total recovery
 *   budget and at the write-up's, iterations x one-shot's) -> OLMo pruning. The one-shot pruned models
 *   are also evaluated right after the cut, before their recovery; the fine-tuned GPT-2 is also given
 *   the one-shot run's recovery training without pruning (the dense control).
 * Each function runs (or reads back) the steps it needs and returns plain data; `study-tables.ts`
 * turns that data into Tables 1-3 and the plots. Re-running returns cached results at once.
 * Training seeds (experiments/study-seeds.ts): every trained arm runs once per seed s, the chain
 * fine-tune with seed s -> prune / recover / dense control from THAT model with seed s; the base
 * models are untrained and shared by all seeds. An arm's `seeds` lists its runs, seed 0 first.
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
import { studySeeds } from './study-seeds.ts';

/** One training seed's run of an arm: its step and the evaluation of the model it produced. */
export interface SeedRun<T = undefined> {
  readonly seed: number;
  readonly eval: StepOutcome<EvaluateStepResult>;
  readonly step: T;
}

export interface Evaluated<T = undefined> {
  readonly label: string;                                 // row label in our tables
  readonly paperRow: string | null;                       // PAPER row id it stands beside (null: none published)
  /** The first seed's (seed 0's) run: what notes, plots and notebooks show of a single run. */
  readonly eval: StepOutcome<EvaluateStepResult>;
  readonly step: T;
  /** Every training seed's run, seed 0 first; an untrained row (a base model) has one, seed 0. */
  readonly seeds: readonly SeedRun<T>[];
  /** Whether the arm was trained (fine-tuned, pruned from a fine-tuned model): then it has a run per study seed. */
  readonly trained: boolean;
}

/** One arm across seeds: the first run's label and single-run fields, every run's seed entries (runs in seed order). */
function acrossSeeds<E extends Evaluated<unknown>>(runs: readonly E[]): E {
  if (runs.length === 0) throw new Error('acrossSeeds: no runs');
  return { ...runs[0]!, seeds: runs.flatMap((r) => r.seeds) };
}

/** Runs `chain` once per study seed, in seed order (seed 0 first, so its cached steps come first). */
async function perSeed<C>(profile: Profile, chain: (seed: number) => Promise<C>): Promise<C[]> {
  const out: C[] = [];
  for (const seed of studySeeds(profile)) out.push(await chain(seed));
  return out;
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
    const ev = await evaluateStep(profile, await baseDir(profile, role));
    out[role] = { label: m.label, paperRow: role === 'gpt2' ? 't1.gpt2' : 't1.olmo', eval: ev, step: undefined, seeds: [{ seed: 0, eval: ev, step: undefined }], trained: false };
  }
  return out;
}

/** A trained arm's single-seed record. */
function seeded<T>(seed: number, label: string, paperRow: string | null, ev: StepOutcome<EvaluateStepResult>, step: T): Evaluated<T> {
  return { label, paperRow, eval: ev, step, seeds: [{ seed, eval: ev, step }], trained: true };
}

/** One base model fine-tuned on the multi-task mixture with training seed `seed`, evaluated. */
async function finetunedRole(profile: Profile, role: ModelRole, seed: number): Promise<Evaluated<StepOutcome<MultitaskStepResult>>> {
  const ft = await multitaskStep(profile, await baseDir(profile, role), seed);
  return seeded(seed, `${profile.models[role].label} fine-tuned`, role === 'gpt2' ? 't1.gpt2-ft' : 't1.olmo-ft', await evaluateStep(profile, ft.result.modelDir), ft);
}

/** Table 1: each base model fine-tuned on the multi-task mixture, evaluated, once per training seed. */
export async function finetuned(profile: Profile): Promise<Record<ModelRole, Evaluated<StepOutcome<MultitaskStepResult>>>> {
  const runs = await perSeed(profile, async (seed) => ({ gpt2: await finetunedRole(profile, 'gpt2', seed), olmo: await finetunedRole(profile, 'olmo', seed) }));
  return { gpt2: acrossSeeds(runs.map((r) => r.gpt2)), olmo: acrossSeeds(runs.map((r) => r.olmo)) };
}

/** A pruned model: which schedule and which recovery budget ('one-shot' = the plan's own; 'none' = not recovered, evaluated right after the cut). */
export interface Pruned extends Evaluated<StepOutcome<PruneStepResult>> {
  readonly budget: 'one-shot' | 'none' | IterativeBudget;
}

async function prunedFrom(profile: Profile, role: ModelRole, schedule: ScheduleName, ft: StepOutcome<MultitaskStepResult>, seed: number, budget: IterativeBudget | null = null): Promise<Pruned> {
  const base = role === 'gpt2' ? profile.gpt2Prune : profile.olmoPrune;
  if (budget !== null && role !== 'gpt2') throw new Error(`prunedFrom: recovery budgets are a GPT-2 setting, not ${role}'s`);
  const plan: PrunePlanConfig = budget === null ? base : { prune: base.prune, recovery: profile.gpt2Prune.iterativeRecovery[budget] };
  const step = await pruneStep(profile, plan, schedule, ft.result.modelDir, { seed });
  const how = budget === null ? '' : ` (${budgetLabel(budget, step.result.log.iterations.length)})`;
  const label = `${profile.models[role].label} ${schedule}${how} pruned (${prunedShare(step, plan)}) + recovered`;
  // The write-up's iterative row recovered 3 epochs after each step: our write-up-budget run stands beside it;
  // the equal-budget run has no published counterpart.
  const paperRow = role === 'olmo' ? 't3.olmo-pruned' : schedule === 'one-shot' ? 't2.gpt2-pruned-oneshot' : budget === 'write-up' ? 't2.gpt2-pruned-iterative' : null;
  return { ...seeded(seed, label, paperRow, await evaluateStep(profile, step.result.modelDir), step), budget: budget ?? 'one-shot' };
}

/** "47% of heads+mlp": the share of the pruned kinds' weights the step removed. */
function prunedShare(step: StepOutcome<PruneStepResult>, plan: PrunePlanConfig): string {
  return `${(100 * step.result.log.iterations.at(-1)!.sparsity.pruned).toFixed(0)}% of ${plan.prune.groups?.join('+')}`;
}

/** The fine-tuned model pruned one-shot with the role's plan and evaluated right after the cut, without recovery (no published row). */
async function oneShotBeforeRecoveryFrom(profile: Profile, role: ModelRole, ft: StepOutcome<MultitaskStepResult>, seed: number): Promise<Pruned> {
  const plan = role === 'gpt2' ? profile.gpt2Prune : profile.olmoPrune;
  const step = await pruneStep(profile, plan, 'one-shot', ft.result.modelDir, { recover: false, seed });
  const label = `${profile.models[role].label} one-shot pruned (${prunedShare(step, plan)}), before recovery`;
  return { ...seeded(seed, label, null, await evaluateStep(profile, step.result.modelDir), step), budget: 'none' };
}

/** How a pruned run recovered: 'one-shot', 'one-shot before recovery', or 'iterative (equal budget)' / 'iterative (write-up budget: 4 x one-shot)'. */
export function runName(e: Pruned): string {
  if (e.budget === 'one-shot') return e.step.result.schedule;
  if (e.budget === 'none') return `${e.step.result.schedule} before recovery`;
  return `${e.step.result.schedule} (${budgetLabel(e.budget, e.step.result.log.iterations.length)})`;
}

/** The fine-tuned model given the one-shot run's recovery training without pruning (steps/dense-control-step.ts; no published row). */
async function denseControlFrom(profile: Profile, role: ModelRole, ft: StepOutcome<MultitaskStepResult>, seed: number): Promise<Evaluated<StepOutcome<DenseControlStepResult>>> {
  const plan = role === 'gpt2' ? profile.gpt2Prune : profile.olmoPrune;
  const step = await denseControlStep(profile, plan, ft.result.modelDir, seed);
  const label = `${profile.models[role].label} dense control (fine-tuned + one-shot's recovery training, not pruned)`;
  return seeded(seed, label, null, await evaluateStep(profile, step.result.modelDir), step);
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
/** Each trained arm runs once per training seed, from the model fine-tuned with the same seed. */
export async function gpt2Pruning(profile: Profile): Promise<Gpt2Pruning> {
  const chains = await perSeed(profile, async (seed) => {
    const ft = await finetunedRole(profile, 'gpt2', seed);
    return {
      finetuned: ft,
      oneShot: await prunedFrom(profile, 'gpt2', 'one-shot', ft.step, seed),
      iterative: await prunedFrom(profile, 'gpt2', 'iterative', ft.step, seed, 'equal'),
      iterativeWriteUp: await prunedFrom(profile, 'gpt2', 'iterative', ft.step, seed, 'write-up'),
      oneShotBeforeRecovery: await oneShotBeforeRecoveryFrom(profile, 'gpt2', ft.step, seed),
      denseControl: await denseControlFrom(profile, 'gpt2', ft.step, seed),
    };
  });
  const oneShot = acrossSeeds(chains.map((c) => c.oneShot)), iterative = acrossSeeds(chains.map((c) => c.iterative));
  const iterativeWriteUp = acrossSeeds(chains.map((c) => c.iterativeWriteUp));
  return {
    finetuned: acrossSeeds(chains.map((c) => c.finetuned)), oneShot, iterative, iterativeWriteUp, pruned: [oneShot, iterative, iterativeWriteUp],
    oneShotBeforeRecovery: acrossSeeds(chains.map((c) => c.oneShotBeforeRecovery)), denseControl: acrossSeeds(chains.map((c) => c.denseControl)),
  };
}

/** Table 3: the fine-tuned OLMo role pruned one-shot, MLP only, 50%, after and before recovery; once per training seed. */
export async function olmoPruning(profile: Profile): Promise<OlmoPruning> {
  const chains = await perSeed(profile, async (seed) => {
    const ft = await finetunedRole(profile, 'olmo', seed);
    return { finetuned: ft, pruned: await prunedFrom(profile, 'olmo', 'one-shot', ft.step, seed), oneShotBeforeRecovery: await oneShotBeforeRecoveryFrom(profile, 'olmo', ft.step, seed) };
  });
  return { finetuned: acrossSeeds(chains.map((c) => c.finetuned)), pruned: acrossSeeds(chains.map((c) => c.pruned)), oneShotBeforeRecovery: acrossSeeds(chains.map((c) => c.oneShotBeforeRecovery)) };
}
