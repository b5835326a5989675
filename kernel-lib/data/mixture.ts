/**
 * The multi-task mixture: several sources combined into one stream of formatted records,
 * deterministic for a seed (same seed, same order, byte for byte) and streaming (each source is
 * read lazily; memory is one shuffle buffer, never all rows).
 *
 * 1. Count pass: each source's train rows are counted (streamed, not kept). Row k of a source is
 *    held out for validation when a 32-bit hash of (seed, source, k) as a fraction of 2^32 is
 *    below validationRows / rows (expected `validationRows` rows per source).
 * 2. Quotas (rows each source contributes), over the available = non-held-out rows a_i:
 *    proportional q_i = a_i (or totalRows * a_i / sum a); capped q_i = min(a_i, cap) (scaled to
 *    totalRows if set); temperature q_i = total * a_i^(1/T) / sum a_j^(1/T) (T = 1 proportional,
 *    larger T flattens toward uniform; small sources are repeated when q_i > a_i).
 * 3. Interleave: at each step source i is drawn with probability remaining_i / sum remaining
 *    (seeded), its next row (file order, restarting at the end) goes through a seeded shuffle
 *    buffer of `shuffleBuffer` rows.
 */
import { from, type ColumnTable } from 'arquero';
import { createRng } from '../runtime/random.ts';
import { sha256 } from '../runtime/files.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import type { PackRecord } from './packing.ts';
import { getDataSource, type DataSource, type FormatContext } from './data-sources.ts';

export type MixtureStrategy = 'proportional' | 'capped' | 'temperature';

export interface MixtureConfig {
  /** Source names (data-sources.ts registry). */
  readonly sources: readonly string[];
  /** How many rows each source contributes (see the file comment). */
  readonly strategy: MixtureStrategy;
  /** capped: max rows per source. */
  readonly cap: number;
  /** temperature: T in a_i^(1/T). */
  readonly temperature: number;
  /** Total rows of the mixture; null = the sum of the quotas (proportional: one epoch of everything). */
  readonly totalRows: number | null;
  /** Seed of held-out selection, interleaving and shuffling. */
  readonly seed: number;
  /** Expected held-out validation rows per source (taken from its train split). */
  readonly validationRows: number;
  /** Rows in the shuffle buffer (memory bound; 1 = no shuffling beyond interleaving). */
  readonly shuffleBuffer: number;
  /** The sources' split the mixture is drawn from. */
  readonly split: string;
}

export const mixtureDefaults: MixtureConfig = {
  sources: ['siqa', 'piqa', 'openbookqa', 'hotpotqa', 'billsum'], strategy: 'proportional', cap: 10_000, temperature: 2,
  totalRows: null, seed: 0, validationRows: 200, shuffleBuffer: 10_000, split: 'train',
};

/** A record of the mixture: the packing record plus where it came from. */
export type MixtureRecord = PackRecord & { readonly source: string; readonly row: number };

export interface MixturePlanRow {
  readonly source: string;
  /** Rows in the source's split. */
  readonly rows: number;
  /** Of which held out for validation. */
  readonly heldOut: number;
  /** Rows the source contributes to the train stream (may exceed rows - heldOut: repeats). */
  readonly quota: number;
  /** quota / total. */
  readonly share: number;
}

export interface Mixture {
  readonly config: MixtureConfig;
  readonly plan: readonly MixturePlanRow[];
  /** The train stream (a fresh generator each call, always the same order). */
  train(): AsyncGenerator<MixtureRecord>;
  /** The held-out rows of one source (or all sources, in plan order). */
  validation(source?: string): AsyncGenerator<MixtureRecord>;
}

function validate(c: MixtureConfig): void {
  if (!c.sources.length) throw new Error(`mixture config: 'sources' is empty`);
  if (new Set(c.sources).size !== c.sources.length) throw new Error(`mixture config: 'sources' has duplicates`);
  if (!['proportional', 'capped', 'temperature'].includes(c.strategy)) throw new Error(`mixture config: 'strategy' must be proportional, capped or temperature, got '${c.strategy}'`);
  if (!(Number.isInteger(c.cap) && c.cap > 0)) throw new Error(`mixture config: 'cap' must be a positive integer, got ${c.cap}`);
  if (!(c.temperature > 0)) throw new Error(`mixture config: 'temperature' must be > 0, got ${c.temperature}`);
  if (c.totalRows !== null && !(Number.isInteger(c.totalRows) && c.totalRows > 0)) throw new Error(`mixture config: 'totalRows' must be a positive integer or null, got ${c.totalRows}`);
  if (!(Number.isInteger(c.validationRows) && c.validationRows >= 0)) throw new Error(`mixture config: 'validationRows' must be a non-negative integer`);
  if (!(Number.isInteger(c.shuffleBuffer) && c.shuffleBuffer >= 1)) throw new Error(`mixture config: 'shuffleBuffer' must be a positive integer`);
  if (!Number.isInteger(c.seed)) throw new Error(`mixture config: 'seed' must be an integer`);
}

/** Per-source key of the held-out hash: sha256(`<seed>:<source>`), first 32 bits. */
function sourceKey(seed: number, source: string): number {
  return parseInt(sha256(`${seed}:${source}`).slice(0, 8), 16);
}

/** Held-out membership of row k of a source with n rows: murmur3's fmix32 of (key + k * golden ratio) as a fraction of 2^32. */
function isHeldOut(key: number, k: number, n: number, want: number): boolean {
  if (want <= 0) return false;
  let h = (key + Math.imul(k, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h / 2 ** 32 < want / n;
}

function quotas(c: MixtureConfig, available: readonly number[]): number[] {
  const scale = (w: readonly number[], total: number): number[] => {
    const sum = w.reduce((a, b) => a + b, 0);
    return w.map((x) => (sum ? Math.round((total * x) / sum) : 0));
  };
  if (c.strategy === 'proportional') return c.totalRows === null ? available.slice() : scale(available, c.totalRows);
  if (c.strategy === 'capped') {
    const capped = available.map((a) => Math.min(a, c.cap));
    return c.totalRows === null ? capped : scale(capped, c.totalRows);
  }
  const total = c.totalRows ?? available.reduce((a, b) => a + b, 0);
  return scale(available.map((a) => a ** (1 / c.temperature)), total);
}

/** Counts rows and builds the plan; the streams are opened lazily by train() / validation(). */
export async function buildMixture(
  overrides: Partial<MixtureConfig>, options: { readonly dataDir: string; readonly context?: FormatContext },
): Promise<Mixture> {
  const config: MixtureConfig = { ...mixtureDefaults, ...overrides };
  validate(config);
  const sources: DataSource[] = config.sources.map(getDataSource);
  const { dataDir, context } = options;
  const counts: { rows: number; heldOut: number }[] = [];
  for (const s of sources) {
    let rows = 0;
    for await (const _ of s.rows(dataDir, config.split, context)) rows++;
    if (rows === 0) throw new Error(`mixture: source '${s.name}' has no rows in split '${config.split}' under ${dataDir}`);
    let heldOut = 0;
    const key = sourceKey(config.seed, s.name);
    for (let k = 0; k < rows; k++) if (isHeldOut(key, k, rows, config.validationRows)) heldOut++;
    counts.push({ rows, heldOut });
  }
  const q = quotas(config, counts.map((c) => c.rows - c.heldOut));
  const total = q.reduce((a, b) => a + b, 0);
  const plan = sources.map((s, i) => ({ source: s.name, rows: counts[i]!.rows, heldOut: counts[i]!.heldOut, quota: q[i]!, share: total ? q[i]! / total : 0 }));

  /** Rows of a source in file order, held-out ones or the others; `repeat` restarts at the end. */
  async function* sourceStream(i: number, heldOut: boolean, repeat: boolean): AsyncGenerator<MixtureRecord> {
    const s = sources[i]!;
    const n = counts[i]!.rows;
    const key = sourceKey(config.seed, s.name);
    do {
      let k = 0;
      let any = false;
      for await (const row of s.rows(dataDir, config.split, context)) {
        if (isHeldOut(key, k, n, config.validationRows) === heldOut) {
          any = true;
          yield { ...s.format(row, context), source: s.name, row: k } as MixtureRecord;
        }
        k++;
      }
      if (!any) return;
    } while (repeat);
  }

  async function* train(): AsyncGenerator<MixtureRecord> {
    const rng = createRng(parseInt(sha256(`${config.seed}:mixture`).slice(0, 8), 16));
    const its = sources.map((_, i) => sourceStream(i, false, true));
    const remaining = q.slice();
    let left = total;
    const buffer: MixtureRecord[] = [];
    try {
      while (left > 0) {
        let r = rng.int(left);
        let i = 0;
        while (r >= remaining[i]!) { r -= remaining[i]!; i++; }
        const next = await its[i]!.next();
        if (next.done) throw new Error(`mixture: source '${sources[i]!.name}' has no train rows left after holding out validation`);
        remaining[i]!--;
        left--;
        buffer.push(next.value);
        if (buffer.length >= config.shuffleBuffer) {
          const j = rng.int(buffer.length);
          const out = buffer[j]!;
          buffer[j] = buffer[buffer.length - 1]!;
          buffer.pop();
          yield out;
        }
      }
      while (buffer.length) {
        const j = rng.int(buffer.length);
        const out = buffer[j]!;
        buffer[j] = buffer[buffer.length - 1]!;
        buffer.pop();
        yield out;
      }
    } finally {
      await Promise.all(its.map((it) => it.return(undefined)));
    }
  }

  async function* validation(source?: string): AsyncGenerator<MixtureRecord> {
    for (let i = 0; i < sources.length; i++) {
      if (source !== undefined && sources[i]!.name !== source) continue;
      yield* sourceStream(i, true, false);
    }
  }

  return { config, plan, train, validation };
}

/** Tokens of a packing record (prompt + target, or text), without the EOS separator. */
function recordTokens(r: PackRecord, tokenizer: Tokenizer): number {
  return 'text' in r ? tokenizer.encode(r.text).length : tokenizer.encode(r.prompt).length + tokenizer.encode(r.target).length;
}

/**
 * Statistics as an arquero table: one row per (source, split) with rows, tokens and the share of
 * the split's rows and tokens. Streams the whole mixture once (tokenizing every record).
 */
export async function mixtureStats(mixture: Mixture, tokenizer: Tokenizer): Promise<ColumnTable> {
  const acc = new Map<string, { rows: number; tokens: number }>();
  const add = (key: string, r: MixtureRecord): void => {
    const a = acc.get(key) ?? { rows: 0, tokens: 0 };
    a.rows++;
    a.tokens += recordTokens(r, tokenizer);
    acc.set(key, a);
  };
  for await (const r of mixture.train()) add(`${r.source}\ttrain`, r);
  for await (const r of mixture.validation()) add(`${r.source}\tvalidation`, r);
  const rows = [...acc.entries()].map(([k, v]) => ({ source: k.split('\t')[0]!, split: k.split('\t')[1]!, ...v }));
  const totals = new Map<string, { rows: number; tokens: number }>();
  for (const r of rows) {
    const t = totals.get(r.split) ?? { rows: 0, tokens: 0 };
    t.rows += r.rows; t.tokens += r.tokens;
    totals.set(r.split, t);
  }
  return from(rows.map((r) => ({
    ...r, rowShare: r.rows / totals.get(r.split)!.rows, tokenShare: r.tokens / Math.max(1, totals.get(r.split)!.tokens),
  })));
}
