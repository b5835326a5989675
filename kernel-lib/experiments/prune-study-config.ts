/**
 * Configuration shared by the pruning studies on the mini profile (schedule comparison and
 * criteria ranking). Plain, typed, with defaults; stored with every result.
 */
import type { PruneConfig } from '../prune/prune-config.ts';
import type { CorpusName } from '../data/corpora.ts';
import type { RecoveryPlan } from '../prune/recovery-data.ts';

export interface PruneStudyConfig {
  /** Pruning settings (target, of, groups, criterion, selection, iterations, ...). */
  readonly prune: Partial<PruneConfig>;
  /** Corpora for calibration, recovery (train split) and perplexity (validation split). */
  readonly corpora: readonly CorpusName[];
  /** Tokens per block (inputs), <= the model's context. */
  readonly blockSize: number;
  /** Recovery budget in target tokens for the WHOLE schedule (iterative splits it evenly over iterations). */
  readonly recoveryTokens: number;
  /** Blocks per recovery update. */
  readonly recoveryBatch: number;
  /** Peak recovery learning rate (constant after warmup). */
  readonly recoveryLr: number;
  /** Held-out validation blocks used for perplexity (0 = all). */
  readonly evalBlocks: number;
  /** Seed for data order and dropout in recovery. */
  readonly seed: number;
}

export const pruneStudyDefaults: PruneStudyConfig = {
  prune: { target: 0.47, of: 'pruned', groups: ['heads', 'mlp'], criterion: 'taylor', selection: 'uniform', iterations: 4, calibrationSamples: 16, calibrationBatch: 4 },
  corpora: ['sotu', 'moby-dick'],
  blockSize: 64,
  recoveryTokens: 16_384,   // 32 updates of 8 x 64 tokens: a few minutes on wasm, 1 core
  recoveryBatch: 8,
  recoveryLr: 3e-4,
  evalBlocks: 48,
  seed: 0,
};

export function resolvePruneStudyConfig(o: Partial<PruneStudyConfig> = {}): PruneStudyConfig {
  const c: PruneStudyConfig = { ...pruneStudyDefaults, ...o, prune: { ...pruneStudyDefaults.prune, ...(o.prune ?? {}) } };
  for (const k of ['blockSize', 'recoveryBatch'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`PruneStudyConfig.${k}: expected an integer >= 1, got ${JSON.stringify(c[k])}`);
  }
  if (!Number.isInteger(c.recoveryTokens) || c.recoveryTokens < 0) throw new Error(`PruneStudyConfig.recoveryTokens: expected an integer >= 0, got ${JSON.stringify(c.recoveryTokens)}`);
  if (!(c.recoveryLr > 0)) throw new Error(`PruneStudyConfig.recoveryLr: expected > 0, got ${JSON.stringify(c.recoveryLr)}`);
  if (!Number.isInteger(c.evalBlocks) || c.evalBlocks < 0) throw new Error(`PruneStudyConfig.evalBlocks: expected an integer >= 0, got ${JSON.stringify(c.evalBlocks)}`);
  if (!c.corpora.length) throw new Error('PruneStudyConfig.corpora: expected at least one corpus');
  return c;
}

/** The recovery plan a study config describes (the embedded corpora, a token budget). */
export function studyRecoveryPlan(c: PruneStudyConfig): RecoveryPlan {
  return {
    corpus: { kind: 'mini', corpora: c.corpora }, blockSize: c.blockSize, tokens: c.recoveryTokens, epochsPerIteration: null,
    batchSize: c.recoveryBatch, lr: c.recoveryLr, evalBlocks: c.evalBlocks,
  };
}
