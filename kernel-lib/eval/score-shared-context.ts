/**
 * Runs planned shared-context rows (eval/shared-context-plan.ts) through the shared-context
 * graph. A forward pass takes at least `batchSize` rows and, beyond that, further rows while the
 * padded batch stays within `passTokens` tokens (rows are sorted longest first, so a pass of short
 * rows holds more of them: fewer, fuller passes; results do not depend on the grouping beyond
 * float rounding). Rows are right-padded to the longest of the pass (padding is segment -1,
 * never attended by real tokens, never scored). Per request: the sum of
 * the log-probabilities of its continuation tokens (float64 sum of float32 values, as the
 * per-request path) and whether every one is the greedy token.
 */
import type { LanguageModel } from '../model/types.ts';
import type { LoglikelihoodResult } from './types.ts';
import type { PlanRow } from './shared-context-plan.ts';
import { ortScoreShared } from '../engine/ort-score-shared.ts';

interface Pair { readonly pos: number; readonly target: number }

/** Calls `done(requestIndex, result)` for every member of every row. */
export function scoreSharedContext(
  model: LanguageModel, rows: readonly PlanRow[], pass: { readonly batchSize: number; readonly passTokens: number },
  done: (index: number, result: LoglikelihoodResult) => void,
): void {
  for (let s = 0; s < rows.length;) {
    const T = rows[s]!.length;                   // longest first: the pass's first row sets T
    let e = Math.min(rows.length, s + pass.batchSize);
    while (e < rows.length && (e - s + 1) * T <= pass.passTokens) e++;
    const batch = rows.slice(s, e);
    s = e;
    const B = batch.length;
    const ids = new Int32Array(B * T), positions = new Int32Array(B * T), segment = new Int32Array(B * T).fill(-1);
    const pairs: Pair[] = [];
    const owner: { seg: number; request: number }[] = [];     // request -1: a token shared by a segment's members
    const segs = batch.flatMap((r) => r.segments);
    let segIndex = 0;
    batch.forEach((row, b) => {
      const base = b * T, c = row.context.length;
      ids.set(row.context, base);
      for (let k = 0; k < c; k++) { positions[base + k] = k; segment[base + k] = 0; }
      let at = base + c;
      row.segments.forEach((seg, j) => {
        const start = at;
        seg.tail.forEach((tok, k) => { ids[at] = tok; positions[at] = c + k; segment[at] = j + 1; at++; });
        // target q of the continuation is scored after its q-th input token: ctx' last, then the tail
        const posOf = (q: number) => (q === 0 ? base + c - 1 : start + q - 1);
        seg.tail.forEach((tok, q) => { pairs.push({ pos: posOf(q), target: tok }); owner.push({ seg: segIndex, request: -1 }); });
        for (const m of seg.members) {
          pairs.push({ pos: posOf(seg.tail.length), target: m.last });
          owner.push({ seg: segIndex, request: m.index });
        }
        segIndex++;
      });
    });
    const { logprobs, greedy } = ortScoreShared(model, { ids, positions, segment, B, T }, pairs);
    const shared = new Float64Array(segs.length);
    const sharedGreedy = new Array<boolean>(segs.length).fill(true);
    owner.forEach((w, k) => {
      if (w.request !== -1) return;
      shared[w.seg] += logprobs[k]!;
      sharedGreedy[w.seg] &&= greedy[k] === 1;
    });
    owner.forEach((w, k) => {
      if (w.request === -1) return;
      done(w.request, { loglikelihood: shared[w.seg]! + logprobs[k]!, isGreedy: sharedGreedy[w.seg]! && greedy[k] === 1 });
    });
  }
}
