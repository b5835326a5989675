/**
 * Text material for the mini tasks: corpus documents cut into sentences, grouped in two pools
 * (train = the corpus train split; held-out = validation + test), with the seeded pickers every
 * task generator uses. A pool records which documents its rows drew from, so the generator can
 * prove that train and held-out rows share no source document.
 */
import { sha256 } from '../runtime/files.ts';
import { createRng, type Rng } from '../runtime/random.ts';
import type { CorpusDocument } from '../data/corpora.ts';

/** A corpus document as sentences. */
export interface MiniDoc {
  readonly id: string;
  readonly corpus: CorpusDocument['corpus'];
  readonly title: string;
  readonly year?: number;
  readonly speaker?: string;
  /** Sentences of 4..60 words, whitespace collapsed to single spaces (no tabs or newlines). */
  readonly sentences: readonly string[];
}

/** Documents of one side (train or held-out) plus the set of ids rows were drawn from. */
export interface Pool {
  readonly name: 'train' | 'heldout';
  readonly docs: readonly MiniDoc[];
  /** Content words (>= 4 letters, lowercase, as they appear) of the pool, with repeats (frequency-weighted). */
  readonly words: readonly string[];
  /** Ids of the documents used so far (filled by `use`). */
  readonly used: Set<string>;
  /** `docId:sentence` keys `pickSentence` has returned: a task draws each sentence at most once. */
  readonly drawn: Set<string>;
}

const SENTENCE_END = /(?<=[.!?][”"’')]?)\s+(?=[“"‘'(]?[A-Z])/u;

/** Splits running text into sentences (a period, ! or ? followed by space and a capital). */
export function splitSentences(text: string): string[] {
  return text.replace(/\s+/g, ' ').trim().split(SENTENCE_END).map((s) => s.trim()).filter((s) => s.length > 0);
}

export function wordCount(s: string): number {
  return s.split(' ').length;
}

/** A document as sentences of 4..60 words (shorter and longer ones are left out). */
export function toMiniDoc(d: CorpusDocument): MiniDoc {
  const sentences = splitSentences(d.text).filter((s) => { const n = wordCount(s); return n >= 4 && n <= 60; });
  return { id: d.id, corpus: d.corpus, title: d.title, year: d.year, speaker: d.speaker, sentences };
}

export function makePool(name: Pool['name'], docs: readonly CorpusDocument[]): Pool {
  const mini = docs.map(toMiniDoc).filter((d) => d.sentences.length >= 3);
  const words: string[] = [];
  for (const d of mini) for (const s of d.sentences) for (const w of s.split(' ')) if (/^[a-z]{4,}$/.test(w)) words.push(w);
  return { name, docs: mini, words, used: new Set(), drawn: new Set() };
}

/** An independent RNG per (seed, task, split): tasks do not shift each other's draws. */
export function taskRng(seed: number, task: string, split: string): Rng {
  return createRng(parseInt(sha256(`${seed}:${task}:${split}`).slice(0, 8), 16));
}

export function pick<T>(items: readonly T[], rng: Rng): T {
  if (items.length === 0) throw new Error('mini data: pick from an empty list');
  return items[rng.int(items.length)]!;
}

/** Marks a document as used by a row and returns it. */
export function use(pool: Pool, doc: MiniDoc): MiniDoc {
  pool.used.add(doc.id);
  return doc;
}

/**
 * A random document (optionally filtered) and sentence index with room for `after` more sentences,
 * not drawn before from this pool (so a task's rows do not repeat a context); after 1000 draws
 * that all hit drawn sentences, a repeat is allowed rather than failing on a small pool.
 */
export function pickSentence(pool: Pool, rng: Rng, opts: { after?: number; filter?: (d: MiniDoc) => boolean } = {}): { doc: MiniDoc; i: number } {
  const after = opts.after ?? 0;
  const docs = opts.filter ? pool.docs.filter(opts.filter) : pool.docs;
  let repeat: { doc: MiniDoc; i: number } | null = null;
  for (let tries = 0; tries < 1000; tries++) {
    const doc = pick(docs, rng);
    if (doc.sentences.length <= after) continue;
    const i = rng.int(doc.sentences.length - after);
    const key = `${doc.id}:${i}`;
    if (pool.drawn.has(key)) { repeat ??= { doc, i }; continue; }
    pool.drawn.add(key);
    return { doc: use(pool, doc), i };
  }
  if (repeat) return { doc: use(pool, repeat.doc), i: repeat.i };
  throw new Error(`mini data: no document in pool '${pool.name}' has ${after + 1} sentences`);
}

/**
 * A distractor sentence: from another document of the SAME corpus, so that a model cannot
 * answer by telling State of the Union prose from Moby-Dick (the tasks should start near chance).
 */
export function otherSentence(pool: Pool, rng: Rng, notDoc: MiniDoc): string {
  for (;;) {
    const doc = pick(pool.docs, rng);
    if (doc.id === notDoc.id || doc.corpus !== notDoc.corpus) continue;
    use(pool, doc);
    return pick(doc.sentences, rng);
  }
}

/**
 * A minimal pair of `words`: the same words with one adjacent pair of different words swapped, at
 * a uniform position (1..n-1) not in `avoid` (positions already used); null when no such position
 * is left. Same words, same tokens, same length: only the order differs (BLiMP's idea).
 */
export function swapAdjacent(words: readonly string[], rng: Rng, avoid: ReadonlySet<number> = new Set()): { words: string[]; at: number } | null {
  const at: number[] = [];
  for (let j = 1; j < words.length; j++) if (words[j] !== words[j - 1] && !avoid.has(j)) at.push(j);
  if (at.length === 0) return null;
  const j = pick(at, rng);
  const out = words.slice();
  [out[j], out[j - 1]] = [out[j - 1]!, out[j]!];
  return { words: out, at: j };
}

/** `k` distinct distractor words from the pool, none equal (case-insensitive) to any of `avoid`. */
export function distractorWords(pool: Pool, rng: Rng, k: number, avoid: readonly string[]): string[] {
  const out: string[] = [];
  const bad = new Set(avoid.map((w) => w.toLowerCase()));
  while (out.length < k) {
    const w = pick(pool.words, rng);
    if (!bad.has(w)) { out.push(w); bad.add(w); }
  }
  return out;
}

/** The first `n` words of a sentence. */
export function headWords(s: string, n: number): string {
  return s.split(' ').slice(0, n).join(' ');
}

/** Strips leading/trailing punctuation of a word. */
export function bareWord(w: string): string {
  return w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

/** Index of a content word (>= 4 letters, bare) at position >= `from`, or -1. */
export function contentWordIndex(words: readonly string[], rng: Rng, from: number): number {
  const idx: number[] = [];
  for (let i = from; i < words.length; i++) if (/^\p{L}{4,}$/u.test(bareWord(words[i]!))) idx.push(i);
  return idx.length ? pick(idx, rng) : -1;
}

/** A light paraphrase: drops one short function word and swaps one adjacent pair of words. */
export function perturb(s: string, rng: Rng): string {
  const w = s.split(' ');
  const short = w.map((x, i) => ({ x, i })).filter(({ x, i }) => i > 0 && /^(the|a|an|of|and|that|to|in)$/i.test(x));
  if (short.length) w.splice(pick(short, rng).i, 1);
  if (w.length > 3) {
    const j = 1 + rng.int(w.length - 2);
    [w[j], w[j - 1]] = [w[j - 1]!, w[j]!];
  }
  return w.join(' ');
}

/** The words of a sentence in a random order different from the original (when possible). */
export function shuffleWords(s: string, rng: Rng): string {
  const w = s.split(' ');
  for (let tries = 0; tries < 10; tries++) {
    const a = w.slice();
    for (let i = a.length - 1; i > 0; i--) { const j = rng.int(i + 1); [a[i], a[j]] = [a[j]!, a[i]!]; }
    const out = a.join(' ');
    if (out !== s) return out;
  }
  return w.slice().reverse().join(' ');
}

/** A contiguous span of `min..max` words of a sentence, starting anywhere. */
export function span(s: string, rng: Rng, min: number, max: number): string {
  const w = s.split(' ');
  const n = Math.min(w.length, min + rng.int(max - min + 1));
  const start = rng.int(w.length - n + 1);
  return w.slice(start, start + n).join(' ');
}

/** Uppercases the first letter and ends with a period (for spans used as sentences). */
export function asSentence(s: string): string {
  const body = s.replace(/[,;:\-—]+$/u, '');
  const cap = body.charAt(0).toUpperCase() + body.slice(1);
  return /[.!?]["”’')]?$/u.test(cap) ? cap : `${cap}.`;
}
