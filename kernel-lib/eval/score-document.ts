/**
 * One document of a multiple-choice task scored the way lm-eval scores it (0-shot): the context,
 * each choice as a continuation (target delimiter + choice), log p(continuation | context) per
 * choice, and the answer the model picks (acc: first argmax; acc_norm: first argmax of ll per
 * character of the choice). For notebooks that show what one number of the tables is made of.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { LanguageModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import type { MultipleChoiceTask } from './types.ts';
import { expandTasks } from './tasks/index.ts';
import { buildRequests, docContext } from './build-requests.ts';
import { loglikelihoods } from './loglikelihoods.ts';
import { argmaxFirst } from './score-docs.ts';
import { pyLen } from '../data/formats/py-string.ts';

export interface ScoredDocument {
  readonly task: string;          // the leaf task scored (a group such as mmlu or glue: its first member)
  readonly docIndex: number;
  readonly context: string;
  readonly gold: number;
  readonly pred: number;          // acc's choice
  readonly predNorm: number;      // acc_norm's choice
  /** continuation (delimiter + choice, JSON-quoted), loglikelihood, ll_per_char, gold, chosen (acc), chosen_norm. */
  readonly table: ColumnTable;
}

/** Scores document `docIndex` of `taskName` (a task or group name) read from `dataDir`. */
export async function scoreDocument(model: LanguageModel, tokenizer: Tokenizer, taskName: string, dataDir: string, docIndex = 0): Promise<ScoredDocument> {
  const task = expandTasks([taskName]).tasks[0];
  if (!task) throw new Error(`scoreDocument: task or group '${taskName}' has no tasks`);
  if (task.outputType !== 'multiple_choice') throw new Error(`scoreDocument: '${task.name}' is ${task.outputType}, expected a multiple_choice task`);
  const t = task as MultipleChoiceTask<unknown>;
  const docs = await t.data.load(dataDir);
  const doc = docs[docIndex];
  if (doc === undefined) throw new Error(`scoreDocument: ${t.name} in ${dataDir} has ${docs.length} documents, no index ${docIndex}`);
  const requests = buildRequests(t, [doc]);
  const lls = loglikelihoods(model, tokenizer, requests, { quiet: true }).map((r) => r.loglikelihood);
  const choices = t.docToChoice(doc);
  const gold = t.docToTarget(doc);
  const pred = argmaxFirst(lls);
  const predNorm = argmaxFirst(lls.map((ll, i) => ll / pyLen(choices[i]!)));
  const table = aq.from(choices.map((choice, i) => ({ choice_index: i,
    continuation: JSON.stringify(requests[i]!.continuation), loglikelihood: lls[i]!, ll_per_char: lls[i]! / pyLen(choice),
    gold: i === gold ? '✓' : '', chosen: i === pred ? '✓' : '', chosen_norm: i === predNorm ? '✓' : '',
  })));
  return { task: t.name, docIndex, context: docContext(t, doc), gold, pred, predNorm, table };
}
