/**
 * Serializers for the publishers' file formats the mini data is written in: JSON Lines, label
 * lines (.lst), GLUE tsv (no quoting, so fields must not hold tabs or newlines), RFC 4180 CSV
 * (MMLU: quoted only when needed, as Python's csv module writes), and WikiText raw text.
 */
import { splitSentences } from './mini-text.ts';

export function toJsonl(rows: readonly unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

export function toLines(values: readonly (string | number)[]): string {
  return values.join('\n') + '\n';
}

/** GLUE tsv; throws naming the row and column when a field holds a tab or newline. */
export function toTsv(header: readonly string[] | null, rows: readonly (readonly string[])[], file: string): string {
  const lines = header ? [header.join('\t')] : [];
  rows.forEach((r, i) => {
    r.forEach((f, j) => {
      if (/[\t\r\n]/.test(f)) throw new Error(`${file}: row ${i + 1} column ${j + 1} holds a tab or newline`);
    });
    lines.push(r.join('\t'));
  });
  return lines.join('\n') + '\n';
}

function csvField(f: string): string {
  return /[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f;
}

/** RFC 4180 CSV without header, LF line ends. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** Sentences per paragraph when a document has no paragraph breaks (the SOTU texts). */
const SENTENCES_PER_PARAGRAPH = 6;

/**
 * WikiText raw layout: ` = Title = ` heading lines start documents, every line begins with a
 * space, paragraphs are single lines, blank lines are ` `. Example:
 * ` \n = Chapter 1: Loomings. = \n \n Call me Ishmael. Some years ago ... \n There now is ... \n \n`
 */
export function toWikitextRaw(docs: readonly { title: string; text: string }[]): string {
  const out: string[] = [];
  for (const d of docs) {
    out.push(' ', ` = ${d.title} = `, ' ');
    for (const p of d.text.split(/\n\s*\n/)) {
      const para = p.replace(/\s+/g, ' ').trim();
      if (para) out.push(` ${para} `);
    }
    out.push(' ');
  }
  return out.join('\n') + '\n';
}

/** A corpus document's text with paragraph breaks (SOTU texts get one every 6 sentences). */
export function paragraphed(rawText: string): string {
  if (/\n\s*\n/.test(rawText)) return rawText;
  const sents = splitSentences(rawText);
  const paras: string[] = [];
  for (let i = 0; i < sents.length; i += SENTENCES_PER_PARAGRAPH) paras.push(sents.slice(i, i + SENTENCES_PER_PARAGRAPH).join(' '));
  return paras.join('\n\n');
}
