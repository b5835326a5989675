/**
 * TrainConfig: every knob of a fine-tuning / pretraining run, as plain data. Override by
 * spreading onto `trainDefaults`, then `resolveTrainConfig` validates once, BEFORE any compute, with
 * errors naming the key. The resolved config is stored in the run's `run.json` and checkpoints.
 */
import { SCHEDULE_NAMES, type ScheduleName } from './schedules.ts';

export interface TrainConfig {
  readonly steps: number;             // optimizer updates to run (one update = `accumulation` micro-batches)
  readonly batchSize: number;         // packed blocks per micro-batch (B)
  readonly accumulation: number;      // micro-batches summed into one update (weighted by target tokens)
  readonly lr: number;                // peak learning rate (after warmup)
  readonly schedule: ScheduleName;    // 'constant' | 'linear' | 'cosine' (all with linear warmup)
  readonly warmupSteps: number;       // updates of linear warmup from 0 to lr (HF convention)
  readonly minLrRatio: number;        // cosine/linear floor as a fraction of lr (0 = HF's decay to 0)
  readonly beta1: number;             // AdamW first-moment decay (PyTorch default 0.9)
  readonly beta2: number;             // AdamW second-moment decay (PyTorch 0.999; GPT-style pretraining uses 0.95)
  readonly eps: number;               // AdamW denominator epsilon (PyTorch 1e-8)
  readonly weightDecay: number;       // decoupled decay (AdamW); HF Trainer default 0, nanoGPT 0.1
  readonly noDecay: readonly string[];// substrings of parameter names never decayed (in addition to rank-1 tensors)
  readonly maxGradNorm: number;       // global-norm clipping threshold; 0 disables (HF default 1.0)
  readonly dropout: boolean;          // dropout during training updates (as the model config's rates say)
  readonly seed: number;              // seeds data order, dropout masks and everything random in the run
  readonly shuffle: boolean;          // shuffle the block order each epoch (only for array data)
  readonly evalEvery: number;         // evaluate validation loss every N updates (0 = only at the end)
  readonly evalBlocks: number;        // at most this many validation blocks per evaluation (0 = all)
  readonly saveEvery: number;         // checkpoint every N updates (0 = only on interrupt / at the end)
  readonly earlyStoppingPatience: number; // stop after this many evaluations without improvement (0 = off)
  readonly earlyStoppingMinDelta: number; // an improvement must lower validation loss by more than this
  readonly runId: string;             // folder name under results/runs/ ('' = derived from the config hash)
  readonly runDir: string;            // explicit run folder ('' = resultsDir()/runs/<runId>)
  readonly resume: boolean;           // continue from the run folder's checkpoint if one exists
  readonly logEvery: number;          // metrics.jsonl gets a train record every N updates
}

export const trainDefaults: TrainConfig = {
  steps: 100,
  batchSize: 8,
  accumulation: 1,
  lr: 3e-4,
  schedule: 'cosine',
  warmupSteps: 0,
  minLrRatio: 0,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.01,
  noDecay: ['wte', 'wpe', 'embed_tokens'],
  maxGradNorm: 1.0,
  dropout: true,
  seed: 0,
  shuffle: true,
  evalEvery: 0,
  evalBlocks: 0,
  saveEvery: 0,
  earlyStoppingPatience: 0,
  earlyStoppingMinDelta: 0,
  runId: '',
  runDir: '',
  resume: false,
  logEvery: 1,
};

type Check = (v: unknown) => boolean;
const int = (min: number): Check => (v) => typeof v === 'number' && Number.isInteger(v) && v >= min;
const num = (min: number, max = Infinity, openMin = false): Check =>
  (v) => typeof v === 'number' && Number.isFinite(v) && (openMin ? v > min : v >= min) && v <= max;
const bool: Check = (v) => typeof v === 'boolean';
const str: Check = (v) => typeof v === 'string';

/** key -> (check, what was expected). */
const RULES: Record<keyof TrainConfig, [Check, string]> = {
  steps: [int(1), 'an integer >= 1'],
  batchSize: [int(1), 'an integer >= 1'],
  accumulation: [int(1), 'an integer >= 1'],
  lr: [num(0, Infinity, true), 'a finite number > 0'],
  schedule: [(v) => (SCHEDULE_NAMES as readonly unknown[]).includes(v), `one of ${SCHEDULE_NAMES.join(', ')}`],
  warmupSteps: [int(0), 'an integer >= 0'],
  minLrRatio: [num(0, 1), 'a number in [0, 1]'],
  beta1: [num(0, 1 - 1e-12), 'a number in [0, 1)'],
  beta2: [num(0, 1 - 1e-12), 'a number in [0, 1)'],
  eps: [num(0, Infinity, true), 'a finite number > 0'],
  weightDecay: [num(0), 'a finite number >= 0'],
  noDecay: [(v) => Array.isArray(v) && v.every((s) => typeof s === 'string'), 'an array of strings'],
  maxGradNorm: [num(0), 'a finite number >= 0'],
  dropout: [bool, 'a boolean'],
  seed: [(v) => int(0)(v) && (v as number) <= 0xffffffff, 'an integer in [0, 2^32)'],
  shuffle: [bool, 'a boolean'],
  evalEvery: [int(0), 'an integer >= 0'],
  evalBlocks: [int(0), 'an integer >= 0'],
  saveEvery: [int(0), 'an integer >= 0'],
  earlyStoppingPatience: [int(0), 'an integer >= 0'],
  earlyStoppingMinDelta: [num(0), 'a finite number >= 0'],
  runId: [(v) => str(v) && /^[A-Za-z0-9._-]*$/.test(v as string), 'a folder name of letters, digits, ".", "_", "-"'],
  runDir: [str, 'a path string'],
  resume: [bool, 'a boolean'],
  logEvery: [int(1), 'an integer >= 1'],
};

/**
 * Defaults + overrides -> a validated, frozen TrainConfig. Unknown keys and bad values throw
 * `TrainConfig.<key> ...` (validation happens before any tensor is touched).
 */
export function resolveTrainConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  for (const key of Object.keys(overrides)) {
    if (!(key in RULES)) throw new Error(`TrainConfig.${key}: unknown key (known: ${Object.keys(RULES).join(', ')})`);
  }
  const merged: Record<string, unknown> = { ...trainDefaults };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) merged[k] = v;
  for (const [key, [check, expected]] of Object.entries(RULES)) {
    const v = merged[key];
    if (!check(v)) throw new Error(`TrainConfig.${key}: expected ${expected}, got ${JSON.stringify(v)}`);
  }
  const cfg = merged as unknown as TrainConfig;
  if (cfg.warmupSteps > cfg.steps) {
    throw new Error(`TrainConfig.warmupSteps: ${cfg.warmupSteps} exceeds steps (${cfg.steps})`);
  }
  return Object.freeze({ ...cfg, noDecay: Object.freeze([...cfg.noDecay]) });
}
