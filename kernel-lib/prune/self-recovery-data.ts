/**
 * Data-free recovery (`lab prune MODEL --recover self`): sequence-level self-distillation. Before
 * the cut, the DENSE model samples the recovery training sequences with the sampler of `--data
 * self` (prune/calibration-data.ts: ancestral, temperature 1, from the document separator), on
 * their own seed range, so they are fresh draws, not the calibration or held-out samples; any
 * training sample equal to a held-out one is dropped all the same, so perplexity is never
 * measured on a trained-on sequence. The pruned model is then fine-tuned on them as on a corpus.
 */
import type { LanguageModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import { calibrationData, selfSamples, SELF_HELD_OUT_SEEDS, SELF_RECOVERY_SEEDS, type CalibrationOptions } from './calibration-data.ts';
import type { RecoveryData } from './recovery-data.ts';

export interface SelfRecoveryOptions extends CalibrationOptions {
  readonly trainSamples: number;   // recovery training sequences of T + 1 tokens
}

export interface SelfRecoveryData extends RecoveryData {
  /** Training samples dropped because they equal a held-out sample (normally 0). */
  readonly droppedDuplicates: number;
}

const key = (ids: Int32Array): string => ids.join(',');

/** Calibration and held-out self-samples as `--data self`, plus `trainSamples` fresh ones for recovery. */
export async function selfRecoveryData(model: LanguageModel, tokenizer: Tokenizer, o: SelfRecoveryOptions): Promise<SelfRecoveryData> {
  const span = SELF_RECOVERY_SEEDS - SELF_HELD_OUT_SEEDS;
  for (const [name, n] of [['calibration samples', o.samples], ['held-out blocks', o.evalBlocks], ['recovery samples', o.trainSamples]] as const) {
    if (!Number.isInteger(n) || n < 0 || n >= span) throw new Error(`self recovery: ${name} must be an integer in [0, ${span}) so seed ranges stay apart, got ${n}`);
  }
  if (o.trainSamples < 1) throw new Error(`self recovery: needs at least 1 recovery sample, got ${o.trainSamples}`);
  const base = await calibrationData({ kind: 'self' }, model, tokenizer, o);
  const heldOut = new Set(base.validation.map((b) => key(b.ids)));
  const sampled = selfSamples(model, tokenizer, base.blockSize, o.trainSamples, o.seed + SELF_RECOVERY_SEEDS);
  const train = sampled.filter((b) => !heldOut.has(key(b.ids)));
  if (!train.length) throw new Error(`self recovery: all ${sampled.length} recovery samples equal held-out samples`);
  return { ...base, train, droppedDuplicates: sampled.length - train.length };
}
