/**
 * Where retraining-free pruning reads its calibration tokens and measures perplexity:
 *  - `corpus:NAME` (or corpus:all): the embedded mini corpora (train blocks calibrate, validation
 *    blocks measure), as the recovery data of prune/recovery-data.ts;
 *  - a FILE, `.txt` (one document) or `.jsonl` (one {"text": ...} per line): packed into blocks,
 *    the last `evalBlocks` measure and the rest calibrate;
 *  - `self`: sequences sampled from the model itself (data-free calibration): ancestral sampling
 *    from the full distribution (temperature 1), each from the document separator; calibration and
 *    evaluation samples use different seeds, so perplexity is measured on the model's own text.
 * Self-sample seeds: calibration `seed + k`, held-out `seed + SELF_HELD_OUT_SEEDS + k`, recovery
 * training (prune/self-recovery-data.ts) `seed + SELF_RECOVERY_SEEDS + k`; the ranges never meet
 * while each count stays below 1,000,000.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { LanguageModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import { corpusNames, type CorpusName } from '../data/corpora.ts';
import { packBlocks, type Block } from '../data/packing.ts';
import { generate } from '../generate/generate.ts';
import { recoveryData, type RecoveryData } from './recovery-data.ts';
import { calibrationFrom } from '../data/corpus-blocks.ts';

/** Seed offsets of the held-out and the recovery-training self-samples (calibration starts at the seed itself). */
export const SELF_HELD_OUT_SEEDS = 1_000_000;
export const SELF_RECOVERY_SEEDS = 2_000_000;

export type CalibrationSpec =
  | { readonly kind: 'corpus'; readonly corpora: readonly CorpusName[] }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'self' };

/** `corpus:NAME` | `corpus:all` | a .txt / .jsonl path | `self`; throws naming the flag and what is accepted. */
export function parseCalibrationSpec(spec: string, flag = '--data'): CalibrationSpec {
  if (spec === 'self') return { kind: 'self' };
  const m = /^corpus:(.+)$/.exec(spec);
  if (m) {
    if (m[1] === 'all') return { kind: 'corpus', corpora: corpusNames };
    if (!corpusNames.includes(m[1] as CorpusName)) throw new Error(`${flag}: unknown corpus '${m[1]}' (known: ${corpusNames.join(', ')}, all)`);
    return { kind: 'corpus', corpora: [m[1] as CorpusName] };
  }
  if (!['.txt', '.jsonl'].includes(extname(spec))) throw new Error(`${flag}: expected corpus:NAME, self or a .txt / .jsonl file, got '${spec}'`);
  if (!existsSync(spec)) throw new Error(`${flag}: file ${spec} not found`);
  return { kind: 'file', path: spec };
}

export interface CalibrationOptions {
  readonly blockSize: number;     // T: tokens per block (capped at the model's positions - 1)
  readonly samples: number;       // calibration sequences
  readonly evalBlocks: number;    // held-out blocks for perplexity (corpus: 0 = all of the split)
  readonly seed: number;          // self: sampling seed of the first sequence
}

/** Records of a .txt (one) or .jsonl (one per line, field `text`) file; errors name the line. */
function fileRecords(path: string): { text: string }[] {
  const body = readFileSync(path, 'utf8');
  if (extname(path) === '.txt') return [{ text: body }];
  return body.split('\n').flatMap((line, k) => {
    if (!line.trim()) return [];
    let r: unknown;
    try { r = JSON.parse(line); } catch (e) { throw new Error(`${path}:${k + 1}: not JSON (${(e as Error).message})`); }
    const text = (r as { text?: unknown }).text;
    if (typeof text !== 'string') throw new Error(`${path}:${k + 1}: expected an object with a string field "text"`);
    return [{ text }];
  });
}

/** `n` sequences of T + 1 tokens sampled from the model, seeds seed .. seed + n - 1. */
export function selfSamples(model: LanguageModel, tokenizer: Tokenizer, T: number, n: number, seed: number): Block[] {
  return Array.from({ length: n }, (_, k) => {
    const g = generate(model, tokenizer, '', { maxNewTokens: T, topK: model.config.vocabSize, temperature: 1, seed: seed + k, stopAtEos: false });
    const ids = Int32Array.from([...g.promptIds.slice(-1), ...g.ids]);
    if (ids.length !== T + 1) throw new Error(`self calibration: sample ${k} has ${ids.length} tokens, expected ${T + 1} (the model's context is ${model.config.maxPositions})`);
    return { ids, mask: new Uint8Array(T).fill(1) };
  });
}

export async function calibrationData(spec: CalibrationSpec, model: LanguageModel, tokenizer: Tokenizer, o: CalibrationOptions): Promise<RecoveryData> {
  const T = Math.min(o.blockSize, model.config.maxPositions - 1);
  if (spec.kind === 'corpus') {
    return recoveryData({ corpus: { kind: 'mini', corpora: spec.corpora }, blockSize: T, tokens: 0, epochsPerIteration: null, batchSize: 1, lr: 1, evalBlocks: o.evalBlocks },
      tokenizer, model.config.maxPositions, o.samples, null);
  }
  if (spec.kind === 'self') {
    const calibration = selfSamples(model, tokenizer, T, o.samples, o.seed);
    const validation = selfSamples(model, tokenizer, T, Math.max(1, o.evalBlocks), o.seed + SELF_HELD_OUT_SEEDS);
    return { train: calibration, validation, calibration: calibration.map((b) => b.ids), blockSize: T };
  }
  const path = spec.path;
  const blocks: Block[] = [];
  async function* records() { yield* fileRecords(path); }
  for await (const b of packBlocks(records(), { tokenizer, blockSize: T, dropRemainder: true })) blocks.push(b);
  const nEval = Math.min(o.evalBlocks, Math.floor(blocks.length / 2));
  if (blocks.length - nEval < 1 || nEval < 1) throw new Error(`${path}: ${blocks.length} blocks of ${T} tokens, too few for calibration and a held-out part`);
  const train = blocks.slice(0, blocks.length - nEval);
  return { train, validation: blocks.slice(blocks.length - nEval), calibration: calibrationFrom(train, o.samples), blockSize: T };
}
