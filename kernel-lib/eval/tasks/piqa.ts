/** PIQA, mirroring lm_eval/tasks/piqa/piqa.yaml (version 1.0; dataset baber/piqa, validation split). */
import type { MultipleChoiceTask } from '../types.ts';
import { readPiqa, readPiqaHub, type PiqaRow } from '../../data/sources/piqa.ts';

export const piqa: MultipleChoiceTask<PiqaRow> = {
  name: 'piqa',
  version: '1.0',
  mirrors: 'lm_eval/tasks/piqa/piqa.yaml',
  outputType: 'multiple_choice',
  data: { source: 'baber/piqa', split: 'validation', load: (dir) => readPiqa(dir, 'validation'), loadHub: () => readPiqaHub('validation') },
  numFewshot: 0,
  description: '',
  docToText: (d) => `Question: ${d.goal}\nAnswer:`,
  docToChoice: (d) => [d.sol1, d.sol2],
  docToTarget: (d) => d.label,
  targetDelimiter: ' ',
  metrics: ['acc', 'acc_norm'],
};
