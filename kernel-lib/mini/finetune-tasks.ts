/**
 * Mini fine-tuning tasks in the publishers' schemas of SIQA, PIQA, OpenBookQA, HotpotQA and
 * BillSum, built from corpus sentences. Each generator takes a pool (train or held-out documents)
 * and a seeded RNG and returns `n` rows; the answer position is uniform, so chance is 1/choices.
 */
import type { Rng } from '../runtime/random.ts';
import { sha256 } from '../runtime/files.ts';
import {
  bareWord, contentWordIndex, distractorWords, headWords, otherSentence, pick, pickSentence, swapAdjacent, type Pool,
} from './mini-text.ts';

/** SIQA file row + its label (1..3, the `*-labels.lst` line). */
export interface SiqaFileRow { context: string; question: string; answerA: string; answerB: string; answerC: string }
/** PIQA file row + label (0/1). */
export interface PiqaFileRow { goal: string; sol1: string; sol2: string }
/** OpenBookQA original release row. */
export interface ObqaFileRow { id: string; question: { stem: string; choices: { text: string; label: string }[] }; answerKey: string }
/** HotpotQA original row (distractor setting). */
export interface HotpotFileRow {
  _id: string; question: string; answer: string; supporting_facts: [string, number][];
  context: [string, string[]][]; type: string; level: string;
}
/** BillSum original jsonl row. */
export interface BillsumFileRow { text: string; summary: string; title: string }

export interface Labeled<R> { readonly row: R; readonly label: number }

/** Answers are cut to this many words so options stay short (SIQA answers are short phrases). */
const ANSWER_WORDS = 12;

/**
 * SIQA-style: which of three sentences comes next? Chance 1/3.
 * {"context": "We have met and reversed the first significant downturn ...", "question": "What comes next?",
 *  "answerA": "In accomplishing this, Government programs for maintaining employment", "answerB": ..., "answerC": ...} label 1
 */
export function siqaRows(pool: Pool, rng: Rng, n: number): Labeled<SiqaFileRow>[] {
  return Array.from({ length: n }, () => {
    const { doc, i } = pickSentence(pool, rng, { after: 1 });
    const label = 1 + rng.int(3);
    const answers = [0, 1, 2].map((k) => headWords(k + 1 === label ? doc.sentences[i + 1]! : otherSentence(pool, rng, doc), ANSWER_WORDS));
    return { row: { context: doc.sentences[i]!, question: 'What comes next?', answerA: answers[0]!, answerB: answers[1]!, answerC: answers[2]! }, label };
  });
}

/**
 * PIQA-style minimal pair: which ending completes the sentence, its true second half or the same
 * words with one adjacent pair swapped (`swapAdjacent`)? Both endings hold the same words, so
 * length and word frequencies give nothing away: only word order does. Chance 1/2.
 * {"goal": "Call me Ishmael. Some years ago, never", "sol1": "mind how long precisely ...", "sol2": "how mind long precisely ..."} label 0
 */
export function piqaRows(pool: Pool, rng: Rng, n: number): Labeled<PiqaFileRow>[] {
  const rows: Labeled<PiqaFileRow>[] = [];
  while (rows.length < n) {
    const { doc, i } = pickSentence(pool, rng, { filter: (d) => d.sentences.some((s) => s.split(' ').length >= 8) });
    const w = doc.sentences[i]!.split(' ');
    if (w.length < 8) continue;
    const cut = Math.max(3, Math.floor(w.length / 2));
    const right = w.slice(cut);
    const wrong = swapAdjacent(right, rng);
    if (!wrong) continue;
    const label = rng.int(2);
    const [sol1, sol2] = label === 0 ? [right, wrong.words] : [wrong.words, right];
    rows.push({ row: { goal: w.slice(0, cut).join(' '), sol1: sol1.join(' '), sol2: sol2.join(' ') }, label });
  }
  return rows;
}

/**
 * OpenBookQA-style cloze: the stem is a sentence cut before a content word; which word follows?
 * Chance 1/4. {"id": "mini-7-12", "question": {"stem": "The abundant fruits of another year have blessed our",
 *  "choices": [{"text": "country", "label": "A"}, ...]}, "answerKey": "A"}
 */
export function obqaRows(pool: Pool, rng: Rng, n: number, idPrefix: string): ObqaFileRow[] {
  const rows: ObqaFileRow[] = [];
  while (rows.length < n) {
    const { doc, i } = pickSentence(pool, rng);
    const w = doc.sentences[i]!.split(' ');
    const k = contentWordIndex(w, rng, 4);
    if (k < 0) continue;
    const answer = bareWord(w[k]!);
    const labels = ['A', 'B', 'C', 'D'];
    const key = rng.int(4);
    const others = distractorWords(pool, rng, 3, [answer]);
    const choices = labels.map((label, j) => ({ text: j === key ? answer : others[j < key ? j : j - 1]!, label }));
    rows.push({ id: `${idPrefix}-${rows.length}`, question: { stem: w.slice(0, k).join(' '), choices }, answerKey: labels[key]! });
  }
  return rows;
}

/** A word worth asking for: a capitalized word inside the sentence or a number. */
function keyWordIndex(words: readonly string[], rng: Rng): number {
  const idx: number[] = [];
  words.forEach((x, i) => { const b = bareWord(x); if (i > 0 && (/^\p{Lu}\p{Ll}{2,}$/u.test(b) || /^\d{2,}$/.test(b))) idx.push(i); });
  return idx.length ? pick(idx, rng) : -1;
}

/**
 * HotpotQA-style extraction: the question is a sentence with a name or number blanked out; the
 * context holds the gold paragraph (3 sentences around it) and two distractor paragraphs from other
 * documents, in random order. Answer: the blanked word (exact match against the context).
 */
export function hotpotRows(pool: Pool, rng: Rng, n: number): HotpotFileRow[] {
  const rows: HotpotFileRow[] = [];
  while (rows.length < n) {
    const { doc, i } = pickSentence(pool, rng);
    const w = doc.sentences[i]!.split(' ');
    const k = keyWordIndex(w, rng);
    if (k < 0) continue;
    const answer = bareWord(w[k]!);
    const blanked = w.map((x, j) => (j === k ? x.replace(answer, '___') : x)).join(' ');
    const start = Math.max(0, i - 1);
    const gold: [string, string[]] = [`${doc.title} (${start + 1})`, doc.sentences.slice(start, start + 3) as string[]];
    const context: [string, string[]][] = [gold];
    for (let d = 0; d < 2; d++) {
      const s = pickSentence(pool, rng, { after: 2, filter: (x) => x.id !== doc.id });
      context.push([`${s.doc.title} (${s.i + 1})`, s.doc.sentences.slice(s.i, s.i + 3) as string[]]);
    }
    const order = context.map((c) => ({ c, r: rng.next() })).sort((a, b) => a.r - b.r).map((x) => x.c);
    rows.push({
      _id: sha256(`${doc.id}:${i}:${k}:${rows.length}`).slice(0, 24),
      question: `Fill in the blank: ${blanked}`, answer,
      supporting_facts: [[gold[0], i - start]], context: order, type: 'bridge', level: 'easy',
    });
  }
  return rows;
}

/**
 * BillSum-style: the text is 4-8 consecutive sentences of a document; the summary is its first
 * sentence (a lead summary). {"text": "...", "summary": "The abundant fruits ...", "title": "1790 George Washington"}
 */
export function billsumRows(pool: Pool, rng: Rng, n: number): BillsumFileRow[] {
  return Array.from({ length: n }, () => {
    const len = 4 + rng.int(5);
    const { doc, i } = pickSentence(pool, rng, { after: len - 1 });
    const sents = doc.sentences.slice(i, i + len);
    return { text: sents.join(' '), summary: sents[0]!, title: doc.title };
  });
}
