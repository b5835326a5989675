/**
 * Mini evaluation tasks in the schemas of HellaSwag and MMLU (PIQA and OpenBookQA reuse the
 * fine-tuning generators). Answer positions are uniform: chance is 1/4 for both.
 */
import type { Rng } from '../runtime/random.ts';
import { MMLU_SUBJECTS } from '../eval/tasks/mmlu-subjects.ts';
import {
  bareWord, contentWordIndex, distractorWords, headWords, otherSentence, pick, pickSentence, swapAdjacent, type MiniDoc, type Pool,
} from './mini-text.ts';

/** HellaSwag original jsonl row (label an int, as in the GitHub release). */
export interface HellaSwagFileRow {
  ind: number; activity_label: string; ctx_a: string; ctx_b: string; ctx: string;
  split: string; split_type: string; label: number; endings: string[]; source_id: string;
}

/** Words of the next sentence shown as ctx_b (the rest is the ending to choose). */
const CTX_B_WORDS = 3;

/**
 * HellaSwag-style: ctx_a = a sentence, ctx_b = the first words of the next one; which of 4
 * endings completes it: the true rest, or one of three minimal pairs of it (one adjacent pair of
 * words swapped, each at a different position: `swapAdjacent`)? All four endings hold the same
 * words. activity_label = the corpus (`State of the Union` / `Moby-Dick`).
 */
export function hellaswagRows(pool: Pool, rng: Rng, n: number, split: 'train' | 'val', indStart: number): HellaSwagFileRow[] {
  const rows: HellaSwagFileRow[] = [];
  while (rows.length < n) {
    const { doc, i } = pickSentence(pool, rng, { after: 1 });
    const next = doc.sentences[i + 1]!.split(' ');
    const right = next.slice(CTX_B_WORDS);
    const wrong = threeSwaps(right, rng);
    if (!wrong) continue;
    const ctxA = doc.sentences[i]!;
    const ctxB = next.slice(0, CTX_B_WORDS).join(' ').replace(/^./, (c) => c.toLowerCase());
    const label = rng.int(4);
    const endings = [0, 1, 2, 3].map((k) => (k === label ? right : wrong[k < label ? k : k - 1]!).join(' '));
    rows.push({
      ind: indStart + rows.length, activity_label: doc.corpus === 'sotu' ? 'State of the Union' : 'Moby-Dick',
      ctx_a: ctxA, ctx_b: ctxB, ctx: `${ctxA} ${ctxB}`, split, split_type: 'indomain', label, endings, source_id: doc.id,
    });
  }
  return rows;
}

/** Three minimal pairs of `words` swapped at three different positions (null when it has fewer than 3). */
function threeSwaps(words: readonly string[], rng: Rng): string[][] | null {
  const used = new Set<number>();
  const out: string[][] = [];
  while (out.length < 3) {
    const s = swapAdjacent(words, rng, used);
    if (!s) return null;
    used.add(s.at);
    out.push(s.words);
  }
  return out;
}

/** The 57 MMLU subjects (hendrycks/test file stems) of the task registry, in alphabetical order. */
export const mmluSubjects: readonly string[] = Object.values(MMLU_SUBJECTS).flatMap((c) => Object.keys(c)).sort();

/** One MMLU csv row: question, A, B, C, D, answer letter. */
export type MmluFileRow = [string, string, string, string, string, string];

/** The five question kinds; subject i uses kind i mod 5. */
export const mmluKinds = ['decade', 'order', 'source', 'cloze', 'next'] as const;
export type MmluKind = (typeof mmluKinds)[number];

const LETTERS = ['A', 'B', 'C', 'D'];
const SOURCES = ['Moby-Dick', 'an 18th-century address', 'a 19th-century address', 'a 20th-century address', 'a 21st-century address'];

function sourceOf(doc: MiniDoc): string {
  if (doc.corpus === 'moby-dick') return SOURCES[0]!;
  return SOURCES[Math.min(4, Math.max(1, Math.floor(doc.year! / 100) - 16))]!;
}

/** Options with the answer at a uniform position; `others` must hold >= 3 distinct wrong options. */
function place(answer: string, others: readonly string[], rng: Rng): { options: string[]; key: string } {
  const k = rng.int(4);
  const opts = others.slice(0, 3);
  opts.splice(k, 0, answer);
  return { options: opts, key: LETTERS[k]! };
}

/** 3 distinct values from `all` other than `answer`. */
function threeOthers(all: readonly string[], answer: string, rng: Rng): string[] {
  const pool = [...new Set(all)].filter((x) => x !== answer);
  const out: string[] = [];
  while (out.length < 3) { const x = pick(pool, rng); if (!out.includes(x)) out.push(x); }
  return out;
}

/** Words of the passage an `order` question shows in four orders. */
const ORDER_WORDS = 10;

/**
 * One MMLU-style row of a kind. decade: a State of the Union passage, which decade? order: which
 * of four orders of a passage's first words is the text as written (three minimal pairs of it, as
 * in HellaSwag-mini)? source: Moby-Dick or which century's address? cloze: which word fills the
 * blank? next: which sentence comes next (first 12 words shown)?
 */
export function mmluRow(kind: MmluKind, pool: Pool, rng: Rng): MmluFileRow {
  const sotu = (d: MiniDoc): boolean => d.corpus === 'sotu';
  for (;;) {
    if (kind === 'decade') {
      const { doc, i } = pickSentence(pool, rng, { filter: sotu });
      const decade = (d: MiniDoc): string => `the ${Math.floor(d.year! / 10) * 10}s`;
      const answer = decade(doc);
      const { options, key } = place(answer, threeOthers(pool.docs.filter(sotu).map(decade), answer, rng), rng);
      return [`In which decade was this State of the Union passage delivered? "${doc.sentences[i]}"`, ...options, key] as MmluFileRow;
    }
    if (kind === 'order') {
      const { doc, i } = pickSentence(pool, rng);
      const words = doc.sentences[i]!.split(' ').slice(0, ORDER_WORDS);
      const wrong = threeSwaps(words, rng);
      if (!wrong) continue;
      const { options, key } = place(words.join(' '), wrong.map((w) => w.join(' ')), rng);
      return ['Which of these is the passage in its original word order?', ...options, key] as MmluFileRow;
    }
    if (kind === 'source') {
      const { doc, i } = pickSentence(pool, rng);
      const answer = sourceOf(doc);
      const { options, key } = place(answer, threeOthers(SOURCES, answer, rng), rng);
      return [`Where is this passage from? "${doc.sentences[i]}"`, ...options, key] as MmluFileRow;
    }
    const { doc, i } = pickSentence(pool, rng, { after: kind === 'next' ? 1 : 0 });
    if (kind === 'cloze') {
      const w = doc.sentences[i]!.split(' ');
      const k = contentWordIndex(w, rng, 2);
      if (k < 0) continue;
      const answer = bareWord(w[k]!);
      const blanked = w.map((x, j) => (j === k ? x.replace(answer, '___') : x)).join(' ');
      const { options, key } = place(answer, distractorWords(pool, rng, 3, [answer]), rng);
      return [`Which word fills the blank? "${blanked}"`, ...options, key] as MmluFileRow;
    }
    const answer = headWords(doc.sentences[i + 1]!, 12);
    const others = [0, 1, 2].map(() => headWords(otherSentence(pool, rng, doc), 12));
    if (new Set([answer, ...others]).size < 4) continue;
    const { options, key } = place(answer, others, rng);
    return [`Which sentence comes next? "${doc.sentences[i]}"`, ...options, key] as MmluFileRow;
  }
}
