/**
 * Token requests -> packed rows for shared-context scoring (engine/ort-score-shared.ts).
 *
 * Each request is truncated exactly as the per-request path does (encode-request.ts
 * truncateForModel: inp = (ctx + cont)[-(L+1):][:-1], the last len(cont) positions scored), and
 * split into its context part ctx' = inp[: len(inp) - len(cont) + 1] and its tail cont[:-1].
 * Requests with the same ctx' form one row: ctx' once (positions 0..c-1), then each distinct tail
 * (positions c.. again for every tail, its own segment id). A continuation's first token is
 * scored at ctx''s last position, token j at its tail's token j-1, so each request sees exactly
 * its own truncated input. Requests with the same ctx' and the same tail share a segment and
 * differ only in the last target (lm-eval's identical-input merge, e.g. MMLU's " A".." D").
 * A truncated request's ctx' depends on its continuation length, so it only shares with
 * requests truncated the same way; results are equal to the per-request path up to float
 * rounding either way.
 */
import { truncateForModel, type TokenRequest } from './encode-request.ts';

/** Requests with the same context part and tail: the tail is scored once, each member's last target too. */
export interface PlanSegment {
  readonly tail: readonly number[];
  readonly members: { readonly index: number; readonly last: number }[];
}

/** One packed row: a context part and the distinct tails that follow it. */
export interface PlanRow {
  readonly context: readonly number[];
  readonly segments: PlanSegment[];
  /** context + all tails. */
  readonly length: number;
}

function compareRows(a: PlanRow, b: PlanRow): number {
  if (a.length !== b.length) return b.length - a.length;
  const n = Math.min(a.context.length, b.context.length);
  for (let k = 0; k < n; k++) if (a.context[k] !== b.context[k]) return a.context[k]! - b.context[k]!;
  return b.context.length - a.context.length;
}

/** Rows for requests[indices], longest first (ties by tokens), under max length L. */
export function planSharedContext(requests: readonly TokenRequest[], indices: readonly number[], L: number): PlanRow[] {
  const rows = new Map<string, { context: number[]; segments: Map<string, PlanSegment> }>();
  for (const i of indices) {
    const { input, continuation } = truncateForModel(requests[i]!, L);
    const n = continuation.length;
    const context = input.slice(0, input.length - n + 1);
    const tail = continuation.slice(0, -1);
    const ck = context.join(','), tk = tail.join(',');
    let row = rows.get(ck);
    if (!row) { row = { context, segments: new Map() }; rows.set(ck, row); }
    let seg = row.segments.get(tk);
    if (!seg) { seg = { tail, members: [] }; row.segments.set(tk, seg); }
    seg.members.push({ index: i, last: continuation[n - 1]! });
  }
  const out = [...rows.values()].map((r) => {
    const segments = [...r.segments.values()];
    return { context: r.context, segments, length: r.context.length + segments.reduce((s, x) => s + x.tail.length, 0) };
  });
  return out.sort(compareRows);
}
