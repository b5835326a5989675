/**
 * The only code that runs the model during evaluation. Requests are encoded (spec
 * 1.7), looked up in the request cache, and the rest are scored in batches:
 *  - sorted by (-len(ctx+cont), tokens) as lm-eval's Collator does, results mapped back to the
 *    request order;
 *  - requests whose truncated model input is identical and whose continuations have the same
 *    length (e.g. MMLU's single-token " A".." D") share one row: one forward pass, several
 *    targets at the last position (lm-eval's logits cache);
 *  - rows right-padded to the longest in the batch, pads never scored (causal attention makes
 *    right padding exact up to float rounding);
 *  - progress with rate and ETA.
 * On ONNX Runtime the default is shared-context scoring instead (eval/shared-context-plan.ts):
 * each context is run once per row with all its continuations after it, so a document's context
 * is not recomputed per choice; `sharedContext: false` keeps the per-request rows above.
 */
import type { LanguageModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import type { LoglikelihoodRequest, LoglikelihoodResult } from './types.ts';
import { encodeRequest, prefixTokenId, truncateForModel, type TokenRequest } from './encode-request.ts';
import { rollingWindows } from './rolling-windows.ts';
import { memoEncode } from './encode-memo.ts';
import { scorePositions, type ScorePair } from './score-positions.ts';
import { requestKey, type RequestCache } from './request-cache.ts';
import { createProgress } from '../runtime/progress.ts';
import type { EngineName } from '../runtime/engine-env.ts';
import { selectEngine } from '../engine/select-engine.ts';
import { ortScorePositions } from '../engine/ort-score-positions.ts';
import { planSharedContext } from './shared-context-plan.ts';
import { scoreSharedContext } from './score-shared-context.ts';
import { inPhase } from '../runtime/wall-profile.ts';

export interface LoglikelihoodOptions {
  /** Rows per forward pass (lm-eval's batch_size; default 1). */
  readonly batchSize: number;
  /** Longest model input; default the model's maxPositions (n_positions), as lm-eval's max_length. */
  readonly maxLength?: number;
  /** Per-request cache (see request-cache.ts); none by default. */
  readonly cache?: RequestCache;
  /** Progress line label (default 'loglikelihood'). */
  readonly label?: string;
  /** Silences the progress line. */
  readonly quiet?: boolean;
  /** Forward engine: 'ort' (ONNX Runtime, default when it loads) or 'tfjs' (engine/select-engine.ts). */
  readonly engine?: EngineName;
  /** Score each context once with all its continuations (ONNX Runtime only; default true);
   *  false: one row per distinct request input, as lm-eval runs them. */
  readonly sharedContext?: boolean;
  /** Shared-context passes add rows beyond batchSize while B x T stays within this many tokens
   *  (default 2048; eval/score-shared-context.ts). */
  readonly passTokens?: number;
}

const defaults: LoglikelihoodOptions = { batchSize: 1 };

function checkOptions(o: LoglikelihoodOptions): void {
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new Error(`loglikelihoods: batchSize must be a positive integer, got ${o.batchSize}`);
  if (o.maxLength !== undefined && (!Number.isInteger(o.maxLength) || o.maxLength < 1)) {
    throw new Error(`loglikelihoods: maxLength must be a positive integer, got ${o.maxLength}`);
  }
  if (o.passTokens !== undefined && (!Number.isInteger(o.passTokens) || o.passTokens < 1)) {
    throw new Error(`loglikelihoods: passTokens must be a positive integer, got ${o.passTokens}`);
  }
}

function compareTokens(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return b.length - a.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

interface Row {
  readonly input: number[];
  readonly contLength: number;
  /** Request indices sharing this row, and each one's continuation. */
  readonly members: { readonly index: number; readonly continuation: readonly number[] }[];
}

/** log p(continuation | context) for token requests: the batching core. */
export function loglikelihoodTokens(
  model: LanguageModel, requests: readonly TokenRequest[], options: Partial<LoglikelihoodOptions> = {},
): LoglikelihoodResult[] {
  const o: LoglikelihoodOptions = { ...defaults, ...options };
  checkOptions(o);
  const L = o.maxLength ?? model.config.maxPositions;
  const out: (LoglikelihoodResult | undefined)[] = new Array(requests.length);
  const keys = requests.map((r) => requestKey(r.context, r.continuation, L));
  // cache hits
  const todo: number[] = [];
  requests.forEach((_, i) => {
    const hit = o.cache?.get(keys[i]!);
    if (hit) out[i] = hit; else todo.push(i);
  });
  const ort = todo.length > 0 && selectEngine(model, o.engine) === 'ort';
  if (ort && o.sharedContext !== false) {
    const progress = o.quiet ? undefined : createProgress({ label: o.label ?? 'loglikelihood', total: todo.length, unit: 'req' });
    scoreSharedContext(model, planSharedContext(requests, todo, L), { batchSize: o.batchSize, passTokens: o.passTokens ?? 2048 }, (i, res) => {
      out[i] = res;
      o.cache?.put(keys[i]!, res);
      progress?.tick(1);
    });
    o.cache?.flush();
    progress?.done();
    return out as LoglikelihoodResult[];
  }
  // rows: truncated inputs, shared when identical with equal continuation length
  const rows = new Map<string, Row>();
  for (const i of todo) {
    const { input, continuation } = truncateForModel(requests[i]!, L);
    const k = `${continuation.length}:${input.join(',')}`;
    const row = rows.get(k);
    if (row) row.members.push({ index: i, continuation });
    else rows.set(k, { input, contLength: continuation.length, members: [{ index: i, continuation }] });
  }
  // lm-eval order: longest (ctx + cont) first, ties by the tokens
  const full = new Map([...rows.values()].map((r) => [r, [...r.input, r.members[0]!.continuation.at(-1)!]]));
  const sorted = [...rows.values()].sort((a, b) => compareTokens(full.get(a)!, full.get(b)!));
  const score = ort ? ortScorePositions : scorePositions;
  const progress = o.quiet ? undefined : createProgress({ label: o.label ?? 'loglikelihood', total: todo.length, unit: 'req' });
  for (let s = 0; s < sorted.length; s += o.batchSize) {
    const batch = sorted.slice(s, s + o.batchSize);
    const T = Math.max(...batch.map((r) => r.input.length));
    const B = batch.length;
    const ids = new Int32Array(B * T);
    const pairs: ScorePair[] = [];
    const owner: { row: number; request: number }[] = [];   // request -1: a shared prefix position
    batch.forEach((row, b) => {
      ids.set(row.input, b * T);
      const n = row.input.length;
      const first = row.members[0]!.continuation;
      // positions before the last have the same target for every member (it is part of the input)
      for (let j = 0; j < row.contLength - 1; j++) {
        pairs.push({ pos: b * T + n - row.contLength + j, target: first[j]! });
        owner.push({ row: b, request: -1 });
      }
      for (const m of row.members) {
        pairs.push({ pos: b * T + n - 1, target: m.continuation[row.contLength - 1]! });
        owner.push({ row: b, request: m.index });
      }
    });
    const { logprobs, greedy } = score(model, ids, B, T, pairs);
    const prefixLl = new Float64Array(B);
    const prefixGreedy = new Array<boolean>(B).fill(true);
    owner.forEach((w, k) => {
      if (w.request !== -1) return;
      prefixLl[w.row] += logprobs[k]!;
      prefixGreedy[w.row] &&= greedy[k] === 1;
    });
    let done = 0;
    owner.forEach((w, k) => {
      if (w.request === -1) return;
      const res: LoglikelihoodResult = {
        loglikelihood: prefixLl[w.row]! + logprobs[k]!,
        isGreedy: prefixGreedy[w.row]! && greedy[k] === 1,
      };
      out[w.request] = res;
      o.cache?.put(keys[w.request]!, res);
      done++;
    });
    progress?.tick(done);
  }
  o.cache?.flush();
  progress?.done();
  return out as LoglikelihoodResult[];
}

/** log p(continuation | context) for string requests, encoded as lm-eval v0.4.9.1 does. */
export function loglikelihoods(
  model: LanguageModel, tokenizer: Tokenizer, requests: readonly Pick<LoglikelihoodRequest, 'context' | 'continuation'>[],
  options: Partial<LoglikelihoodOptions> = {},
): LoglikelihoodResult[] {
  const encode = memoEncode(tokenizer);
  const tokens = inPhase('tokenise', () => requests.map((r) => encodeRequest(tokenizer, r.context, r.continuation, encode)));
  return inPhase('forward', () => loglikelihoodTokens(model, tokens, options));
}

/**
 * Rolling loglikelihood of whole texts with no context (lm-eval loglikelihood_rolling):
 * the sum over disjoint maxLength-token windows; the first token is conditioned on the prefix token.
 */
export function loglikelihoodRolling(
  model: LanguageModel, tokenizer: Tokenizer, texts: readonly string[], options: Partial<LoglikelihoodOptions> = {},
): { loglikelihood: number; tokens: number }[] {
  const L = options.maxLength ?? model.config.maxPositions;
  const P = prefixTokenId(tokenizer);
  const windows: TokenRequest[] = [];
  const owner: number[] = [];
  const counts = texts.map((t, i) => {
    const toks = inPhase('tokenise', () => tokenizer.encode(t));
    for (const w of rollingWindows(toks, P, L)) { windows.push(w); owner.push(i); }
    return toks.length;
  });
  const res = inPhase('forward', () => loglikelihoodTokens(model, windows, { ...options, label: options.label ?? 'rolling windows' }));
  const sums = texts.map(() => 0);
  res.forEach((r, k) => { sums[owner[k]!]! += r.loglikelihood; });
  return sums.map((ll, i) => ({ loglikelihood: ll, tokens: counts[i]! }));
}
