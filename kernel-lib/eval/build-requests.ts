/**
 * Task + documents -> plain requests (lm-eval's construct_requests for 0-shot):
 *   multiple_choice: for each choice, (description + doc_to_text(doc), target_delimiter + choice);
 *   loglikelihood_rolling: ("", doc_to_target(doc)), i.e. the whole text with no context.
 */
import type { LoglikelihoodRequest, MultipleChoiceTask, RollingTask, TaskDef } from './types.ts';

/** The context string of a multiple-choice document. */
export function docContext<Doc>(task: MultipleChoiceTask<Doc>, doc: Doc): string {
  return task.description + task.docToText(doc);
}

/** Requests for every document, in document order (choices in order within a document). */
export function buildRequests<Doc>(task: TaskDef<Doc>, docs: readonly Doc[]): LoglikelihoodRequest[] {
  if (task.outputType === 'loglikelihood_rolling') {
    const t = task as RollingTask<Doc>;
    return docs.map((d, docId) => ({ docId, index: 0, context: '', continuation: t.docToTarget(d) }));
  }
  const t = task as MultipleChoiceTask<Doc>;
  return docs.flatMap((d, docId) => {
    const context = docContext(t, d);
    return t.docToChoice(d).map((choice, index) => ({ docId, index, context, continuation: t.targetDelimiter + choice }));
  });
}
