/**
 * PruneConfig: what to prune, by which criterion, how to allocate, on which schedule.
 * Resolved by spreading over `pruneDefaults`, validated once here with errors naming the key.
 */
import { unitKinds, type UnitKind } from './pruning-plan.ts';
import { sparsityOfNames, type SparsityOf } from './sparsity.ts';
import { scheduleNames, type ScheduleName } from './schedules.ts';
import { selectionNames, type SelectionName } from './select-units.ts';
import { importanceCriteria } from './importance/index.ts';

/** How the sparsity target is counted (docs/pruning-facts.md section 3). */
export type { SparsityOf, SelectionName, ScheduleName };
/** Whether removed units' mean contribution is folded into the output projection's bias (FLAP). */
export const compensationNames = ['bias', 'none'] as const;
export type CompensationName = typeof compensationNames[number];

export interface PruneConfig {
  /** Fraction of parameters to remove, in (0, 1), counted as `of` says, relative to the model given to prune(). */
  readonly target: number;
  /** Denominator of `target`: all parameters, non-embedding parameters, or the prunable (unit-owned) parameters of `groups`. */
  readonly of: SparsityOf;
  /** Unit kinds pruned (GPT-2: heads and/or MLP neurons). */
  readonly groups: readonly UnitKind[];
  /** Importance criterion, a name in the importance registry (importance/index.ts). */
  readonly criterion: string;
  /** 'uniform': the same fraction of units in every layer (LLM-Pruner default); 'global': ranked over layers after per-layer L2 normalisation (Michel et al. 2019);
   *  'adaptive': FLAP's one ranking over every layer and both kinds after per-(layer, kind) standardisation, cut at the parameter target. */
  readonly selection: SelectionName;
  /** 'bias': fold the removed channels' calibration mean times their weight columns into the output projection's bias (FLAP); 'none' or absent: no compensation.
   *  Absent from the defaults (and from a resolved config unless 'bias'), so configs from before it existed resolve, and hash, as they did. */
  readonly compensation?: CompensationName;
  /** Floor: heads never fewer than this per layer (transformers cannot prune a layer to 0 heads, #17475). */
  readonly minHeads: number;
  /** Floor: MLP neurons never fewer than this per layer. */
  readonly minMlpWidth: number;
  /** Kept MLP width per layer is rounded up to a multiple of this (1 = no rounding; e.g. 8 or 64 for fast kernels). */
  readonly roundMlpTo: number;
  /** Calibration sequences used by data-dependent criteria (taylor, activation); LLM-Pruner uses 10 x 64 tokens. */
  readonly calibrationSamples: number;
  /** Sequences per forward/backward pass during calibration. */
  readonly calibrationBatch: number;
  /** Seed for the random criterion and any sampling. */
  readonly seed: number;
  /** 'one-shot': prune to target once, then recover; 'iterative': `iterations` steps on Zhu & Gupta's cubic schedule, recovering after each. */
  readonly schedule: ScheduleName;
  /** Number of prune+recover iterations for 'iterative' (ignored by 'one-shot'). */
  readonly iterations: number;
}

export const pruneDefaults: PruneConfig = {
  target: 0.47,            // the study's one-shot GPT-2 sparsity
  of: 'pruned',            // 47% of heads+MLP weights ~= DistilGPT2 size (docs/pruning-facts.md section 3)
  groups: ['heads', 'mlp'],
  criterion: 'taylor',     // best without recovery in LLM-Pruner's ablation (19.1 vs random 27.5 PPL)
  selection: 'uniform',    // keeps HF-exportable shapes (uniform n_inner)
  minHeads: 1,
  minMlpWidth: 1,
  roundMlpTo: 1,
  calibrationSamples: 16,
  calibrationBatch: 4,
  seed: 0,
  schedule: 'one-shot',
  iterations: 4,
};

function positiveInt(key: string, v: unknown, min = 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new Error(`PruneConfig.${key}: expected an integer >= ${min}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** "'a', 'b' or 'c'" */
const either = (names: readonly string[]): string => names.map((n) => `'${n}'`).join(', ').replace(/, ([^,]*)$/, ' or $1');

/** Defaults + overrides, validated; errors name the key and what was expected. */
export function resolvePruneConfig(overrides: Partial<PruneConfig> = {}): PruneConfig {
  const c = { ...pruneDefaults, ...overrides };
  for (const k of Object.keys(overrides)) {
    if (!(k in pruneDefaults) && k !== 'compensation') throw new Error(`PruneConfig: unknown key '${k}' (known: ${Object.keys(pruneDefaults).join(', ')}, compensation)`);
  }
  if (typeof c.target !== 'number' || !(c.target > 0 && c.target < 1)) {
    throw new Error(`PruneConfig.target: expected a fraction in (0, 1), got ${JSON.stringify(c.target)}`);
  }
  if (!sparsityOfNames.includes(c.of)) throw new Error(`PruneConfig.of: expected ${either(sparsityOfNames)}, got ${JSON.stringify(c.of)}`);
  if (!Array.isArray(c.groups) || c.groups.length === 0 || c.groups.some((g) => !unitKinds.includes(g))) {
    throw new Error(`PruneConfig.groups: expected a non-empty list of ${unitKinds.join('|')}, got ${JSON.stringify(c.groups)}`);
  }
  if (typeof c.criterion !== 'string' || !importanceCriteria.has(c.criterion)) {
    throw new Error(`PruneConfig.criterion: expected ${either([...importanceCriteria.keys()])}, got ${JSON.stringify(c.criterion)}`);
  }
  if (c.compensation !== undefined && !compensationNames.includes(c.compensation)) {
    throw new Error(`PruneConfig.compensation: expected ${either(compensationNames)}, got ${JSON.stringify(c.compensation)}`);
  }
  if (!selectionNames.includes(c.selection)) throw new Error(`PruneConfig.selection: expected ${either(selectionNames)}, got ${JSON.stringify(c.selection)}`);
  if (!scheduleNames.includes(c.schedule)) throw new Error(`PruneConfig.schedule: expected ${either(scheduleNames)}, got ${JSON.stringify(c.schedule)}`);
  positiveInt('minHeads', c.minHeads);
  positiveInt('minMlpWidth', c.minMlpWidth);
  positiveInt('roundMlpTo', c.roundMlpTo);
  positiveInt('calibrationSamples', c.calibrationSamples);
  positiveInt('calibrationBatch', c.calibrationBatch);
  positiveInt('iterations', c.iterations);
  if (!Number.isInteger(c.seed)) throw new Error(`PruneConfig.seed: expected an integer, got ${JSON.stringify(c.seed)}`);
  const { compensation, ...rest } = c;
  return Object.freeze({ ...rest, ...(compensation === 'bias' ? { compensation } : {}), groups: Object.freeze([...new Set(c.groups)]) });
}
