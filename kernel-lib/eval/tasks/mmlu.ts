/**
 * MMLU (default variant), mirroring lm_eval/tasks/mmlu/default/_default_template_yaml and
 * mmlu_<subject>.yaml (subject tasks version 1.0; cais/mmlu, test split), the four category
 * groups (_mmlu_<category>.yaml) and the `mmlu` group (_mmlu.yaml), all version 2 with
 * aggregate_metric_list [{metric: acc, weight_by_size: True}]: the headline `mmlu` acc is the
 * micro-average over all questions.
 * Also the continuation variant (lm_eval/tasks/mmlu/continuation/: group `mmlu_continuation`,
 * subject tasks `mmlu_continuation_<subject>` version 1.0): the same questions without the lettered
 * options, "Question: <q>\nAnswer:", scored on each option's own text, so a model that cannot yet
 * map letters to options still shows what it knows (small models answer one letter otherwise).
 */
import type { MultipleChoiceTask, TaskGroup } from '../types.ts';
import { readMmlu, readMmluHub, type MmluRow } from '../../data/sources/mmlu.ts';
import { pyStrip } from '../../data/formats/py-string.ts';
import { MMLU_CATEGORIES, MMLU_SUBJECTS } from './mmlu-subjects.ts';

/** The description line: "The following are multiple choice questions (with answers) about <subject>.\n\n". */
export function mmluDescription(subject: string): string {
  return `The following are multiple choice questions (with answers) about ${subject.replaceAll('_', ' ')}.\n\n`;
}

/** doc_to_text: question stripped, choices raw. */
export function mmluDocToText(d: MmluRow): string {
  const c = d.choices;
  return `${pyStrip(d.question)}\nA. ${c[0]}\nB. ${c[1]}\nC. ${c[2]}\nD. ${c[3]}\nAnswer:`;
}

const LETTERS: readonly string[] = ['A', 'B', 'C', 'D'];

/** The subject task mmlu_<subject>. */
export function mmluSubjectTask(subject: string): MultipleChoiceTask<MmluRow> {
  return {
    name: `mmlu_${subject}`,
    alias: subject,
    version: '1.0',
    mirrors: `lm_eval/tasks/mmlu/default/mmlu_${subject}.yaml`,
    outputType: 'multiple_choice',
    data: { source: `cais/mmlu (${subject})`, split: 'test', load: (dir) => readMmlu(dir, subject, 'test'), loadHub: () => readMmluHub(subject, 'test') },
    numFewshot: 0,
    description: mmluDescription(subject),
    docToText: mmluDocToText,
    docToChoice: () => LETTERS,
    docToTarget: (d) => d.answer,
    targetDelimiter: ' ',
    metrics: ['acc'],
  };
}

/** The continuation variant's description: "The following are questions (with answers) about <subject>.\n\n". */
export function mmluContinuationDescription(subject: string): string {
  return `The following are questions (with answers) about ${subject.replaceAll('_', ' ')}.\n\n`;
}

/** The continuation subject task mmlu_continuation_<subject>: choices are the options' texts. */
export function mmluContinuationSubjectTask(subject: string): MultipleChoiceTask<MmluRow> {
  return {
    ...mmluSubjectTask(subject),
    name: `mmlu_continuation_${subject}`,
    mirrors: `lm_eval/tasks/mmlu/continuation/mmlu_${subject}.yaml`,
    description: mmluContinuationDescription(subject),
    docToText: (d) => `Question: ${pyStrip(d.question)}\nAnswer:`,
    docToChoice: (d) => d.choices,
  };
}

const subjectsByCategory = (c: (typeof MMLU_CATEGORIES)[number]): string[] => Object.keys(MMLU_SUBJECTS[c]);

export const mmluTasks: readonly MultipleChoiceTask<MmluRow>[] = [
  ...MMLU_CATEGORIES.flatMap((c) => subjectsByCategory(c).map(mmluSubjectTask)),
  ...MMLU_CATEGORIES.flatMap((c) => subjectsByCategory(c).map(mmluContinuationSubjectTask)),
];

const ALIAS: Record<string, string> = { stem: 'stem', other: 'other', social_sciences: 'social sciences', humanities: 'humanities' };

export const mmluGroups: readonly TaskGroup[] = [
  {
    name: 'mmlu', alias: 'mmlu', aggregate: 'weighted-acc', version: '2',
    members: MMLU_CATEGORIES.map((c) => `mmlu_${c}`),
  },
  ...MMLU_CATEGORIES.map((c): TaskGroup => ({
    name: `mmlu_${c}`, alias: ALIAS[c]!, aggregate: 'weighted-acc', version: '2',
    members: Object.keys(MMLU_SUBJECTS[c]).sort().map((s) => `mmlu_${s}`),
  })),
  {
    name: 'mmlu_continuation', alias: 'mmlu (continuation)', aggregate: 'weighted-acc', version: '2',
    members: MMLU_CATEGORIES.map((c) => `mmlu_continuation_${c}`),
  },
  ...MMLU_CATEGORIES.map((c): TaskGroup => ({
    name: `mmlu_continuation_${c}`, alias: ALIAS[c]!, aggregate: 'weighted-acc', version: '2',
    members: Object.keys(MMLU_SUBJECTS[c]).sort().map((s) => `mmlu_continuation_${s}`),
  })),
];
