/**
 * HellaSwag, mirroring lm_eval/tasks/hellaswag/hellaswag.yaml + utils.py (version 1.0;
 * Rowan/hellaswag, validation split) including its process_docs.
 */
import type { MultipleChoiceTask } from '../types.ts';
import { readHellaSwag, readHellaSwagHub, type HellaSwagRow } from '../../data/sources/hellaswag.ts';
import { pyCapitalize, pyStrip } from '../../data/formats/py-string.ts';

/** A HellaSwag document after lm-eval's process_docs. */
export interface HellaSwagDoc {
  readonly row: HellaSwagRow;
  readonly query: string;
  readonly choices: readonly string[];
  readonly gold: number;
}

/**
 * utils.preprocess: strip first, then " [title]" -> ". " everywhere, then drop every bracket tag
 * (non-greedy), then one pass of "  " -> " " (so three spaces become two).
 */
export function preprocessHellaSwag(text: string): string {
  let t = pyStrip(text);
  t = t.replaceAll(' [title]', '. ');
  t = t.replace(/\[.*?\]/g, '');
  t = t.replaceAll('  ', ' ');
  return t;
}

/** utils.process_docs for one row: ctx = ctx_a + " " + ctx_b.capitalize(). */
export function processHellaSwagDoc(row: HellaSwagRow): HellaSwagDoc {
  const ctx = `${row.ctx_a} ${pyCapitalize(row.ctx_b)}`;
  return {
    row,
    query: preprocessHellaSwag(`${row.activity_label}: ${ctx}`),
    choices: row.endings.map(preprocessHellaSwag),
    gold: row.label,
  };
}

export const hellaswag: MultipleChoiceTask<HellaSwagDoc> = {
  name: 'hellaswag',
  version: '1.0',
  mirrors: 'lm_eval/tasks/hellaswag/hellaswag.yaml',
  outputType: 'multiple_choice',
  data: {
    source: 'Rowan/hellaswag',
    split: 'validation',
    load: async (dir) => (await readHellaSwag(dir, 'validation')).map(processHellaSwagDoc),
    loadHub: async () => (await readHellaSwagHub('validation')).map(processHellaSwagDoc),
  },
  numFewshot: 0,
  description: '',
  docToText: (d) => d.query,
  docToChoice: (d) => d.choices,
  docToTarget: (d) => d.gold,
  targetDelimiter: ' ',
  metrics: ['acc', 'acc_norm'],
};
