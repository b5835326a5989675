/**
 * Task-level and group-level aggregation into lm-eval's result rows.
 * A row maps "<metric>,none" to the value and "<metric>_stderr,none" to its stderr or "N/A".
 */
import type { MetricValue, RollingMetric, TaskGroup } from './types.ts';
import { bootstrapStderr, f1Score, matthewsCorrcoef, mean, meanStderr, pooledStderr, type GoldPred } from './metrics.ts';
import type { MetricItem } from './score-docs.ts';

export type ResultRow = Record<string, MetricValue | string>;

/** Aggregates per-document multiple-choice items of one metric. */
export function aggregateMetric(metric: string, items: readonly MetricItem[], bootstrapIters: number): { value: number; stderr: MetricValue } {
  const n = items.length;
  if (metric === 'acc' || metric === 'acc_norm') {
    const xs = items as number[];
    return { value: mean(xs), stderr: n > 1 ? meanStderr(xs) : 'N/A' };
  }
  const f = metric === 'mcc' ? matthewsCorrcoef : metric === 'f1' ? f1Score : undefined;
  if (!f) throw new Error(`aggregateMetric: unknown metric '${metric}'`);
  const pairs = items as GoldPred[];
  return { value: f(pairs), stderr: n > 1 && bootstrapIters > 0 ? bootstrapStderr(f, pairs, bootstrapIters) : 'N/A' };
}

/** Rolling metrics from per-document (loglikelihood, weight) pairs; stderr is always "N/A". */
export function aggregateRolling(metric: RollingMetric, pairs: readonly (readonly [number, number])[]): number {
  let ll = 0, w = 0;
  for (const [a, b] of pairs) { ll += a; w += b; }
  if (metric === 'bits_per_byte') return -ll / w / Math.LN2;
  return Math.exp(-ll / w);   // weighted_perplexity
}

/** One leaf task's numbers as a group needs them. */
export interface LeafResult {
  readonly row: ResultRow;
  readonly size: number;
}

/**
 * 'weighted-acc' group row over its leaf tasks: acc = sum(v_i n_i) / sum(n_i), stderr pooled;
 * 'glue-mean' row: unweighted mean of each member's headline metric, stderr "N/A".
 */
export function aggregateGroup(group: TaskGroup, leaves: ReadonlyMap<string, LeafResult>, headline = group.headline): ResultRow {
  if (group.aggregate === 'glue-mean') {
    const parts = group.members.map((t) => {
      const m = headline?.[t];
      const v = m ? leaves.get(t)?.row[`${m},none`] : undefined;
      if (typeof v !== 'number') throw new Error(`group ${group.name}: no ${m} result for ${t}`);
      return { t, m: m!, v };
    });
    return {
      alias: group.alias,
      'score,none': mean(parts.map((p) => p.v)),
      'score_stderr,none': 'N/A',
      'components,none': parts.map((p) => `${p.t}:${p.m}`).join(' '),
    };
  }
  const vals: number[] = [], ses: number[] = [], sizes: number[] = [];
  let na = false;
  for (const [name, r] of leaves) {
    const v = r.row['acc,none'];
    if (typeof v !== 'number') throw new Error(`group ${group.name}: task ${name} has no acc`);
    vals.push(v); sizes.push(r.size);
    const se = r.row['acc_stderr,none'];
    if (typeof se === 'number') ses.push(se); else na = true;
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  return {
    alias: group.alias,
    'acc,none': vals.reduce((s, v, i) => s + v * sizes[i]!, 0) / total,
    'acc_stderr,none': na ? 'N/A' : pooledStderr(ses, sizes),
  };
}
