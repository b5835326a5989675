/**
 * The study's two profiles: typed configs of the same steps.
 *   - `mini`: runs here with no download. The mini GPT-2 (models/mini-bpe, 4.3M parameters) and the
 *     larger mini OLMo (models/mini-olmo-bpe, 5.8M), both pretrained by the project on the State of
 *     the Union addresses and Moby-Dick with a 4096-token BPE trained on the same text, stand in for
 *     GPT-2 and OLMo-1B; tasks are the generated mini data (datasets/README.md) in the real files' schemas.
 *   - `paper`: `gpt2` and `allenai/OLMo-1B-hf` from the hub, the real datasets, the write-up's
 *     hyperparameters where it states them (~46-47% sparsity, 3 recovery epochs per iteration,
 *     50% of OLMo's MLP, 300K Wikipedia rows); needs a connected machine and tfjs-node(-gpu).
 * `quick` (the mini profile with every budget shrunk to seconds; `paper-quick` likewise for paper;
 * LAB_QUICK=1 or --quick picks it; the notebook tests use it): its numbers are plumbing checks, not
 * results, and its steps are cached under different keys because their configs differ.
 * Our choices where the write-up is silent are stated in `choices` and shown in the notebooks.
 */
import { settings } from '../runtime/settings.ts';
import { pruneDefaults, type PruneConfig } from '../prune/prune-config.ts';
import type { MultitaskConfig } from '../train/multitask.ts';
import type { RecoveryPlan } from '../prune/recovery-data.ts';
import { pruneStudyDefaults, studyRecoveryPlan } from './prune-study-config.ts';
import { iterativeRecoveryPlans, type IterativeBudget } from '../prune/iterative-budget.ts';
import type { EngineName } from '../runtime/engine-env.ts';

export type ProfileName = 'mini' | 'paper' | 'quick' | 'paper-quick';
export type ModelRole = 'gpt2' | 'olmo';

export interface ModelPlan {
  readonly id: string;                // loadModel id: 'mini', a folder, or a hub id
  readonly label: string;             // how the tables name it ("GPT-2", "OLMo-1B", "mini GPT-2")
  readonly paperLabel: string;        // the write-up's row name this model stands in for
}

export type { RecoveryPlan };

export interface PrunePlanConfig {
  readonly prune: Partial<PruneConfig>;   // target, of, groups, criterion, selection, iterations
  readonly recovery: RecoveryPlan;        // the one-shot run's recovery (its whole budget)
}

/** GPT-2's plan: one-shot recovers with `recovery`; the two iterative runs with `iterativeRecovery`. */
export interface Gpt2PrunePlanConfig extends PrunePlanConfig {
  /** Recovery of each iterative run by budget (prune/iterative-budget.ts), derived from `recovery`:
   *  'equal' = one-shot's total split over the iterations; 'write-up' = one-shot's total after EACH
   *  iteration (iterations x one-shot's budget), as the write-up's 3 epochs per iteration did. */
  readonly iterativeRecovery: Readonly<Record<IterativeBudget, RecoveryPlan>>;
}

/** A GPT-2 plan with both iterative budgets derived from the one-shot recovery plan. */
export function gpt2PrunePlan(prune: Partial<PruneConfig>, recovery: RecoveryPlan): Gpt2PrunePlanConfig {
  return { prune, recovery, iterativeRecovery: iterativeRecoveryPlans(recovery, prune.iterations ?? pruneDefaults.iterations) };
}

export interface Profile {
  readonly name: ProfileName;
  readonly description: string;
  readonly models: Readonly<Record<ModelRole, ModelPlan>>;
  /** Data folder of the evaluation and fine-tuning files: 'mini' = generated, else a folder or null (hub). */
  readonly data: { readonly kind: 'mini'; readonly seed: number } | { readonly kind: 'folder'; readonly dir: string | null };
  readonly eval: { readonly tasks: readonly string[]; readonly limit: number | null; readonly batchSize: number; readonly bootstrapIters: number;
    /** Forward engine of the evaluation (default: 'ort' when onnxruntime-node loads, else tfjs). */
    readonly engine?: EngineName };
  readonly multitask: Omit<Partial<MultitaskConfig>, 'dataDir'>;
  /** GPT-2: the same target for every run; iterative uses `iterations` cubic steps, at two recovery budgets. */
  readonly gpt2Prune: Gpt2PrunePlanConfig;
  /** OLMo-1B: one-shot, MLP only. */
  readonly olmoPrune: PrunePlanConfig;
  /** Time the forward pass (batch 1) before and after pruning for Table 3's latency column. */
  readonly measureLatency: boolean;
  /** What trains the study's steps unless LAB_TRAIN_ENGINE / --train-engine says otherwise (experiments/study-train-engine.ts):
   *  'ort' = ONNX Runtime training graphs (docs/backward.md), 'tfjs' = tfjs (wasm replicas, tfjs-node, tfjs-node-gpu). */
  readonly trainEngine: 'ort' | 'tfjs';
  /** Training seeds of every trained arm unless LAB_SEEDS / `lab reproduce --seeds` says otherwise (experiments/study-seeds.ts). */
  readonly seeds: number;
  /** What the run needs: shown by the dry run and the setup notebook. */
  readonly needs: { readonly backend: string; readonly memory: string; readonly time: string };
  /** Our choices where the write-up is silent, shown in the notebooks. */
  readonly choices: readonly string[];
}

const { calibrationBatch: _studyCalibrationBatch, ...STUDY_PRUNE } = pruneStudyDefaults.prune;

const EVAL_TASKS = ['piqa', 'openbookqa', 'mmlu', 'hellaswag', 'glue'] as const;
/** The mini study fills the MMLU column with lm-eval's continuation variant (see the mini choices). */
const MINI_EVAL_TASKS = ['piqa', 'openbookqa', 'mmlu_continuation', 'hellaswag', 'glue'] as const;

const COMMON_CHOICES = [
  'Sparsity is counted over the prunable attention+MLP weights (of: "pruned"); the tables also give it over all and non-embedding parameters.',
  'GPT-2 prunes attention heads and MLP neurons together, uniformly per layer (HF-exportable shapes), ranked by first-order Taylor importance (LLM-Pruner).',
  'Pruning starts from the multi-task fine-tuned model (Table 2 compares against it); recovery is language-model fine-tuning on the corpus.',
  'Iterative pruning follows the cubic schedule of Zhu & Gupta with 4 iterations, run at two recovery budgets: "equal" (one-shot\'s total budget split over the iterations) and "write-up" '
    + '(each iteration recovers as long as one-shot does in total: iterations x one-shot\'s budget, as the write-up\'s 3 epochs per iteration). The write-up\'s iterative row is compared with the write-up-budget run; the equal-budget run has no published counterpart.',
  'GLUE is the unweighted mean of the 9 subtasks\' headline metrics (mcc for CoLA, F1 for MRPC and QQP, acc otherwise); lm-eval defines no aggregate.',
  'Evaluation: 0-shot, lm-eval v0.4.9.1 request encoding (no BOS), acc as the headline metric.',
];

/** The mini GPT-2 plan: the pruning studies' defaults (experiments/prune-study-config.ts), one definition for both. */
const MINI_GPT2_PRUNE = gpt2PrunePlan(STUDY_PRUNE, studyRecoveryPlan(pruneStudyDefaults));

export const miniProfile: Profile = {
  name: 'mini',
  description: 'Runs here with no download: the project\'s mini GPT-2 and mini OLMo on tasks generated from public-domain text.',
  models: {
    gpt2: { id: 'mini-bpe', label: 'mini GPT-2', paperLabel: 'GPT-2' },
    olmo: { id: 'mini-olmo-bpe', label: 'mini OLMo', paperLabel: 'OLMO-1B' },
  },
  data: { kind: 'mini', seed: 0 },
  // Every held-out document of the mini data: 500 per multiple-choice task (acc stderr <= 0.022),
  // 513 MMLU questions (9 per subject), 200 per GLUE subtask (MNLI: 200 matched + 200 mismatched).
  eval: { tasks: MINI_EVAL_TASKS, limit: null, batchSize: 16, bootstrapIters: 1000 },
  // 40 updates of 4 x 128 tokens (loss on answer tokens only); HotpotQA / BillSum contexts cut to 96
  // tokens so the 128-token blocks hold whole records.
  multitask: { train: { steps: 40, batchSize: 4, lr: 1e-3, schedule: 'linear', warmupSteps: 4, evalEvery: 20, dropout: false }, blockSize: 128, format: { hotpotContextTokens: 96, billTextTokens: 96 }, validationBlocks: 16 },
  gpt2Prune: MINI_GPT2_PRUNE,
  olmoPrune: {
    prune: { target: 0.5, of: 'pruned', groups: ['mlp'], criterion: 'taylor', selection: 'uniform', iterations: 1, calibrationSamples: 16 },
    recovery: { corpus: { kind: 'mini', corpora: ['sotu', 'moby-dick'] }, blockSize: 64, tokens: 8_192, epochsPerIteration: null, batchSize: 8, lr: 3e-4, evalBlocks: 48 },
  },
  measureLatency: true,
  // ONNX Runtime training: 3.45x faster than 2 wasm replicas on the mini-bpe fine-tuning at equal validation loss (README, Backends).
  trainEngine: 'ort',
  seeds: 1,
  // Measured here on 2026-12-07 from an empty cache (2 vCPU, otherwise idle; ONNX Runtime evaluation on 2 threads
  // and ONNX Runtime training = npm run reproduce): 7 min 28 s to 8 min 13 s in five runs, peak RSS 1.51-1.54 GiB;
  // with 3 training seeds (npm run reproduce:seeds) 20 min 11 s, peak 1.51 GiB.
  // Training on 2 wasm replicas instead took 9 min 0 s before the dense-control step was added.
  needs: { backend: 'onnxruntime-node (evaluation and training) and tfjs wasm (any)', memory: '< 2 GiB (1.51-1.54 GiB peak measured)', time: 'about 8 minutes on 2 cores with npm run reproduce, one training seed (7 min 28 s - 8 min 13 s measured here from an empty cache), about 20 minutes with npm run reproduce:seeds, three (20 min 11 s): most of it is the evaluations of 3,813 documents each (11 with one seed, 9 more per further seed)' },
  choices: [
    ...COMMON_CHOICES,
    'mini: the OLMo-1B role is a larger mini OLMo-architecture model (6 layers, non-parametric LayerNorm, RoPE, SwiGLU; 5.8M parameters vs the GPT-2 role\'s 4.3M), with the same 4096-token BPE tokenizer trained on the mini corpus: OLMo\'s GPT-NeoX vocabulary is not available offline.',
    'mini: the MMLU column is lm-eval\'s mmlu_continuation variant (each option\'s text scored after "Answer:"): the mini models never learned to answer with a letter, so the letter variant measures only their letter bias.',
    'mini: PIQA and HellaSwag distractors are minimal pairs of the true ending (one adjacent pair of words swapped): same words and length, so only word order tells them apart; MMLU mixes five question kinds (datasets/README.md).',
    'mini: the recovery corpus (WikiText-103 role) is the SOTU + Moby-Dick train split; perplexity is on its held-out validation documents.',
  ],
};

export const paperProfile: Profile = {
  name: 'paper',
  description: 'The write-up\'s study: GPT-2 (124M) and OLMo-1B from the hub, the real datasets; needs a connected machine and tfjs-node or tfjs-node-gpu.',
  models: {
    gpt2: { id: 'gpt2', label: 'GPT-2', paperLabel: 'GPT-2' },
    olmo: { id: 'allenai/OLMo-1B-hf', label: 'OLMo-1B', paperLabel: 'OLMO-1B' },
  },
  data: { kind: 'folder', dir: null },
  eval: { tasks: EVAL_TASKS, limit: null, batchSize: 16, bootstrapIters: 100_000 },
  multitask: { train: { steps: 5000, batchSize: 8, accumulation: 4, lr: 5e-5, schedule: 'linear', warmupSteps: 100, evalEvery: 500, saveEvery: 500 }, blockSize: 1024 },
  // One-shot: 3 epochs. Iterative, write-up budget: 3 epochs after each of the 4 steps (12 in all, as
  // the write-up); equal budget: 0.75 epochs after each step (3 in all, like one-shot).
  gpt2Prune: gpt2PrunePlan(
    { target: 0.47, of: 'pruned', groups: ['heads', 'mlp'], criterion: 'taylor', selection: 'uniform', iterations: 4, calibrationSamples: 64 },
    { corpus: { kind: 'source', source: 'wikitext103', rows: null }, blockSize: 1024, tokens: 0, epochsPerIteration: 3, batchSize: 8, lr: 5e-5, evalBlocks: 0 },
  ),
  olmoPrune: {
    prune: { target: 0.5, of: 'pruned', groups: ['mlp'], criterion: 'taylor', selection: 'uniform', iterations: 1, calibrationSamples: 64 },
    recovery: { corpus: { kind: 'source', source: 'wikipedia', rows: 300_000 }, blockSize: 2048, tokens: 0, epochsPerIteration: 1, batchSize: 4, lr: 2e-5, evalBlocks: 256 },
  },
  measureLatency: true,
  // GPU training is tfjs-node-gpu's (CUDA 11.2 / cuDNN 8.1); the ONNX Runtime training graphs on CUDA are unchecked (no GPU here).
  trainEngine: 'tfjs',
  seeds: 1,
  needs: {
    backend: 'tfjs-node-gpu (or tfjs-node) for training: OLMo-1B in float32 is 4.7 GB of weights, above wasm\'s 4 GiB heap; evaluation on onnxruntime-node',
    // experiments/step-memory.ts at the profile's batches; lab reproduce --dry-run checks them against the machine.
    memory: 'GPT-2 training ~22.5 GB at 8 x 1024 tokens (20.5 GB of it activations kept for the backward), evaluation ~3 GB; '
      + 'OLMo-1B training ~80-88 GB (18.8 GB of weights, gradients and AdamW moments + 61-70 GB of activations, no recomputation), evaluation up to ~18 GB',
    time: 'GPT-2 recovery on WikiText-103 (one-shot 3 epochs; iterative 3 epochs x 4 iterations, ~1.2B tokens, and 0.75 x 4) is GPU-days; on CPU impractical',
  },
  choices: [...COMMON_CHOICES, 'paper: 3 recovery epochs per iteration on WikiText-103 (GPT-2) as stated (the write-up-budget iterative run; one-shot gets 3 epochs, the equal-budget iterative run 0.75 epochs per iteration); OLMo-1B one epoch over a seeded 300K-row Wikipedia subset (the write-up gives no epoch count).'],
};

/** Shrinks every budget for plumbing checks (notebook tests): results are not meaningful. */
export function quickProfile(p: Profile): Profile {
  // 512 tokens = 4 updates of 4 x 32: one-shot 4 updates; iterative (2 steps) 2 + 2 at equal budget, 4 + 4 at the write-up's.
  const r = (c: PrunePlanConfig): PrunePlanConfig => ({
    prune: { ...c.prune, iterations: Math.min(2, c.prune.iterations ?? 2), calibrationSamples: 2, calibrationBatch: 2 },
    recovery: { ...c.recovery, blockSize: 32, tokens: 512, epochsPerIteration: null, batchSize: 4, evalBlocks: 4 },
  });
  const g = r(p.gpt2Prune);
  return {
    ...p,
    name: p.name === 'mini' ? 'quick' : 'paper-quick',
    measureLatency: false,
    description: `${p.description} QUICK MODE: tiny budgets, numbers are not results.`,
    eval: { ...p.eval, limit: 4, bootstrapIters: 0 },
    multitask: { ...p.multitask, blockSize: 64, validationBlocks: 2, train: { ...p.multitask.train, steps: 2, batchSize: 2, evalEvery: 0, warmupSteps: 0, saveEvery: 0 } },
    gpt2Prune: gpt2PrunePlan(g.prune, g.recovery),
    olmoPrune: r(p.olmoPrune),
  };
}

/** The profile for a name: 'mini', 'paper', 'quick' (= quick mini) or 'paper-quick'; `quick: true` shrinks mini / paper. */
export function getProfile(name: string = settings().profile, opts: { quick?: boolean } = {}): Profile {
  const base = name === 'mini' || name === 'quick' ? miniProfile : name === 'paper' || name === 'paper-quick' ? paperProfile : null;
  if (!base) throw new Error(`unknown profile '${name}': expected 'mini', 'paper', 'quick' or 'paper-quick'`);
  const quick = (opts.quick ?? settings().quick) || name === 'quick' || name === 'paper-quick';
  return quick ? quickProfile(base) : base;
}
