/**
 * GLUE, mirroring lm_eval/tasks/glue/<task>/default.yaml (nyu-mll/glue, validation splits; spec
 * 2.5): cola, mnli, mnli_mismatch, mrpc, qnli, qqp, rte, sst2, wnli.
 *
 * lm-eval defines no aggregate GLUE score (`glue` is only a tag). Our `glue` row is the
 * UNWEIGHTED MEAN over the nine tasks of each task's headline metric: mcc for cola, f1 for mrpc
 * and qqp, acc for the others (the per-task numbers are reported beside it). This is not the
 * GLUE leaderboard score (which averages F1 and acc for MRPC/QQP and includes STS-B).
 */
import type { MultipleChoiceMetric, MultipleChoiceTask, TaskGroup } from '../types.ts';
import { readGlue, readGlueHub, type GlueConfig, type GlueRow } from '../../data/sources/glue.ts';
import { pyStrip } from '../../data/formats/py-string.ts';

function glueTask(
  name: string, version: string, config: GlueConfig, hub: string,
  docToText: (d: GlueRow) => string, choices: readonly string[], metrics: readonly MultipleChoiceMetric[],
): MultipleChoiceTask<GlueRow> {
  const dir = name === 'mnli_mismatch' ? 'mnli' : name;
  return {
    name,
    version,
    mirrors: `lm_eval/tasks/glue/${dir}/${name === 'mnli_mismatch' ? 'mismatch' : 'default'}.yaml`,
    outputType: 'multiple_choice',
    data: { source: `nyu-mll/glue (${hub.split('/')[0]})`, split: hub.split('/')[1]!, load: (d) => readGlue(d, config), loadHub: () => readGlueHub(config) },
    numFewshot: 0,
    description: '',
    docToText,
    docToChoice: () => choices,
    docToTarget: (d) => d.label,
    targetDelimiter: ' ',
    metrics,
  };
}

const s = (d: GlueRow, k: string): string => String(d[k]);

/** mnli's utils.doc_to_text: hypothesis stripped, with "." appended unless it ends in one. */
export function mnliDocToText(d: GlueRow): string {
  let h = pyStrip(s(d, 'hypothesis'));
  if (!h.endsWith('.')) h += '.';
  return `${s(d, 'premise')}\nQuestion: ${h} True, False or Neither?\nAnswer:`;
}

const mnliChoices = ['True', 'Neither', 'False'];

export const glueTasks: readonly MultipleChoiceTask<GlueRow>[] = [
  glueTask('cola', '1.0', 'cola', 'cola/validation',
    (d) => `${s(d, 'sentence')}\nQuestion: Does this sentence make sense?\nAnswer:`, ['no', 'yes'], ['mcc']),
  glueTask('mnli', '1.0', 'mnli_matched', 'mnli/validation_matched', mnliDocToText, mnliChoices, ['acc']),
  glueTask('mnli_mismatch', '1.0', 'mnli_mismatched', 'mnli/validation_mismatched', mnliDocToText, mnliChoices, ['acc']),
  glueTask('mrpc', '1.0', 'mrpc', 'mrpc/validation',
    (d) => `Sentence 1: ${s(d, 'sentence1')}\nSentence 2: ${s(d, 'sentence2')}\nQuestion: Do both sentences mean the same thing?\nAnswer:`,
    ['no', 'yes'], ['acc', 'f1']),
  glueTask('qnli', '1.0', 'qnli', 'qnli/validation',
    (d) => `${s(d, 'question')}\n${s(d, 'sentence')}\nQuestion: Does this response answer the question?\nAnswer:`, ['yes', 'no'], ['acc']),
  glueTask('qqp', '2.0', 'qqp', 'qqp/validation',
    (d) => `Question 1: ${s(d, 'question1')}\nQuestion 2: ${s(d, 'question2')}\nQuestion: Do both questions ask the same thing?\nAnswer:`,
    ['no', 'yes'], ['acc', 'f1']),
  glueTask('rte', '1.0', 'rte', 'rte/validation',
    (d) => `${s(d, 'sentence1')}\nQuestion: ${s(d, 'sentence2')} True or False?\nAnswer:`, ['True', 'False'], ['acc']),
  glueTask('sst2', '1.0', 'sst2', 'sst2/validation',
    (d) => `${s(d, 'sentence')}\nQuestion: Is this sentence positive or negative?\nAnswer:`, ['negative', 'positive'], ['acc']),
  glueTask('wnli', '2.0', 'wnli', 'wnli/validation',
    (d) => `${s(d, 'sentence1')}\nQuestion: ${s(d, 'sentence2')} True or False?\nAnswer:`, ['False', 'True'], ['acc']),
];

/** Headline metric per GLUE task used by our `glue` mean. */
export const GLUE_HEADLINE: Readonly<Record<string, MultipleChoiceMetric>> = {
  cola: 'mcc', mnli: 'acc', mnli_mismatch: 'acc', mrpc: 'f1', qnli: 'acc', qqp: 'f1', rte: 'acc', sst2: 'acc', wnli: 'acc',
};

export const glueGroup: TaskGroup = {
  name: 'glue', alias: 'glue (mean of headline metrics)', aggregate: 'glue-mean', version: 'lab-1', headline: GLUE_HEADLINE,
  members: glueTasks.map((t) => t.name),
};
