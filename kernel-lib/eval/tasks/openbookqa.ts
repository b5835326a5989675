/**
 * OpenBookQA, mirroring lm_eval/tasks/openbookqa/openbookqa.yaml (version 1.0; allenai/openbookqa
 * config main, test split). The prompt is the raw question stem, with no "Question:" prefix.
 */
import type { MultipleChoiceTask } from '../types.ts';
import { readOpenBookQa, readOpenBookQaHub, type OpenBookQaRow } from '../../data/sources/openbookqa.ts';

export const openbookqa: MultipleChoiceTask<OpenBookQaRow> = {
  name: 'openbookqa',
  version: '1.0',
  mirrors: 'lm_eval/tasks/openbookqa/openbookqa.yaml',
  outputType: 'multiple_choice',
  data: { source: 'allenai/openbookqa (main)', split: 'test', load: (dir) => readOpenBookQa(dir, 'test'), loadHub: () => readOpenBookQaHub('test') },
  numFewshot: 0,
  description: '',
  docToText: (d) => d.question_stem,
  docToChoice: (d) => d.choices.text,
  // choices.label.index(answerKey.lstrip()); the source has checked that the key is present
  docToTarget: (d) => d.choices.label.indexOf(d.answerKey.trimStart()),
  targetDelimiter: ' ',
  metrics: ['acc', 'acc_norm'],
};
