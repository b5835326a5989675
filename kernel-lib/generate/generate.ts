/**
 * Text generation: greedy decoding or top-k sampling, one token at a time. On the ort engine
 * (default when onnxruntime-node loads) with a key/value cache: each new token costs one position
 * (engine/ort-decoder.ts). On tfjs, or with `cache: false`, the full window is recomputed per token.
 * The context is a hard limit: generation stops when prompt + new tokens fill the model's
 * positions (`stop: 'context'`); it never slides the window (GPT-2's learned positions end at
 * n_positions, and a slid window would change every earlier token's position).
 */
import * as tf from '@tensorflow/tfjs-core';
import { lastLogits } from '../model/lm.ts';
import type { LanguageModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import { createRng } from '../runtime/random.ts';
import type { EngineName } from '../runtime/engine-env.ts';
import { selectEngine } from '../engine/select-engine.ts';
import { ortNextLogits } from '../engine/ort-decoder.ts';

export interface GenerateConfig {
  readonly maxNewTokens: number;   // tokens to add at most (default 40)
  readonly topK: number;           // 1 = greedy; k > 1 samples among the k most likely (default 1)
  readonly temperature: number;    // divides the logits before sampling (default 1; ignored when greedy)
  readonly seed: number;           // sampling seed (default 0)
  readonly stopAtEos: boolean;     // stop when the model emits the tokenizer's eos (default true)
  readonly engine?: EngineName;    // 'ort' (default when it loads) or 'tfjs' (engine/select-engine.ts)
  readonly cache: boolean;         // ort: keep a key/value cache (default true); same tokens either way
}

export const generateDefaults: GenerateConfig = { maxNewTokens: 40, topK: 1, temperature: 1, seed: 0, stopAtEos: true, cache: true };

export interface Generation {
  readonly promptIds: number[];
  readonly ids: number[];          // the new tokens only
  readonly text: string;           // decoded new tokens
  /** Why it ended: the eos token, maxNewTokens reached, or the model's context full. */
  readonly stop: 'eos' | 'max-new-tokens' | 'context';
}

/** Called after each new token (progress lines). */
export interface GenerateHooks {
  onToken?(done: number, budget: number): void;
}

/** New tokens that fit after a prompt of `promptLength` tokens: min(maxNewTokens, context - promptLength). */
export function newTokenBudget(model: LanguageModel, promptLength: number, maxNewTokens: number): number {
  return Math.max(0, Math.min(maxNewTokens, model.config.maxPositions - promptLength));
}

function validate(c: GenerateConfig): void {
  if (!Number.isInteger(c.maxNewTokens) || c.maxNewTokens < 0) throw new Error(`generate: maxNewTokens must be a whole number >= 0, got ${c.maxNewTokens}`);
  if (!Number.isInteger(c.topK) || c.topK < 1) throw new Error(`generate: topK must be a whole number >= 1, got ${c.topK}`);
  if (!(c.temperature > 0)) throw new Error(`generate: temperature must be > 0, got ${c.temperature}`);
}

/** Picks the next id from one row of logits [V]: argmax (first on ties) or top-k sampling. */
export function pickToken(row: Float32Array, topK: number, temperature: number, u: number): number {
  if (topK === 1) {
    let best = 0;
    for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
    return best;
  }
  const idx = Array.from(row.keys()).sort((a, b) => row[b]! - row[a]! || a - b).slice(0, topK);
  const max = row[idx[0]!]!;
  const w = idx.map((i) => Math.exp((row[i]! - max) / temperature));
  const total = w.reduce((s, x) => s + x, 0);
  let acc = 0;
  for (let j = 0; j < idx.length; j++) {
    acc += w[j]! / total;
    if (u < acc) return idx[j]!;
  }
  return idx[idx.length - 1]!;
}

/**
 * The ids generation starts from. An empty prompt starts from the document separator: BOS where
 * the vocabulary has one (sentencepiece models such as Llama's), else EOS (GPT-2's <|endoftext|>).
 * A non-empty one gets BOS in front when the model's tokenizer adds it (`addBosToken`: Llama-family
 * tokenizers, llama2.c's run.c) and the text does not already start with it. Only generation does
 * this: evaluation scores text as lm-eval does, without BOS for these models by default.
 */
export function generationPromptIds(tokenizer: Tokenizer, prompt: string): number[] {
  const ids = tokenizer.encode(prompt);
  if (ids.length === 0) return [tokenizer.bosTokenId ?? tokenizer.eosTokenId];
  const bos = tokenizer.bosTokenId;
  if (tokenizer.addBosToken && bos !== null && ids[0] !== bos) ids.unshift(bos);
  return ids;
}

export function generate(model: LanguageModel, tokenizer: Tokenizer, prompt: string, config: Partial<GenerateConfig> = {}, hooks: GenerateHooks = {}): Generation {
  const c = { ...generateDefaults, ...config };
  validate(c);
  const promptIds = generationPromptIds(tokenizer, prompt);
  const C = model.config.maxPositions;
  if (promptIds.length > C) throw new Error(`generate: the prompt has ${promptIds.length} tokens, more than the model's context of ${C} positions`);
  const budget = newTokenBudget(model, promptIds.length, c.maxNewTokens);
  const rng = createRng(c.seed);
  const seq = promptIds.slice();
  const out: number[] = [];
  let stop: Generation['stop'] = budget < c.maxNewTokens ? 'context' : 'max-new-tokens';
  const ort = budget > 0 && selectEngine(model, c.engine) === 'ort' ? ortNextLogits(model, { cache: c.cache }) : null;
  for (let step = 0; step < budget; step++) {
    let values: Float32Array;
    if (ort) values = ort(seq);
    else {
      const row = tf.tidy(() => tf.reshape(lastLogits(model, tf.tensor2d(seq, [1, seq.length], 'int32')), [-1]));   // [V]
      values = row.dataSync() as Float32Array;
      row.dispose();
    }
    const next = pickToken(values, c.topK, c.temperature, rng.next());
    if (c.stopAtEos && next === tokenizer.eosTokenId) { stop = 'eos'; break; }
    seq.push(next);
    out.push(next);
    hooks.onToken?.(out.length, budget);
  }
  // The new text is what decoding the whole sequence adds to the prompt's text: sentencepiece
  // decoders drop a leading space at the start of what they decode, which must not happen mid-text.
  const before = tokenizer.decode(promptIds), all = tokenizer.decode([...promptIds, ...out]);
  return { promptIds, ids: out, text: all.startsWith(before) ? all.slice(before.length) : tokenizer.decode(out), stop };
}
