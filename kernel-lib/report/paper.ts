/**
 * The write-up's published numbers (its Tables 1-3, transcribed by hand) as typed data with provenance,
 * plus the reading notes' caveats as data, so every side-by-side table can show them.
 * Nothing here is computed: values are copied digit for digit from the write-up.
 */

/** The five evaluation columns of Tables 1-3, in the write-up's order. */
export const PAPER_TASKS = ['piqa', 'openbookqa', 'mmlu', 'hellaswag', 'glue'] as const;
export type PaperTask = (typeof PAPER_TASKS)[number];

/** lm-eval variants that fill a column when a profile scores one instead (the mini profile's MMLU: its
 *  continuation variant, since the mini models cannot yet answer by letter). */
export const PAPER_TASK_VARIANTS: Readonly<Record<string, PaperTask>> = { mmlu_continuation: 'mmlu' };

/** The study column an evaluated lm-eval task or group fills (itself unless a variant). */
export function paperColumnOf(task: string): string {
  return PAPER_TASK_VARIANTS[task] ?? task;
}

/** Column headers as printed in the write-up. */
export const PAPER_TASK_LABELS: Readonly<Record<PaperTask, string>> = {
  piqa: 'PIQA', openbookqa: 'OpenBookQA', mmlu: 'MMLU', hellaswag: 'HellaSwag', glue: 'GLUE',
};

/** Where a published number is printed. */
export interface Provenance {
  readonly source: 'seed.md';
  readonly table: 'Table 1' | 'Table 2' | 'Table 3' | 'text';
  readonly row: string;        // the row label as printed
  readonly column: string;     // the column header as printed (or the quantity, for text numbers)
}

/** One printed row of Tables 1-3. */
export interface PaperRow {
  readonly id: string;                          // stable key, e.g. 't2.gpt2-pruned-iterative'
  readonly table: 'Table 1' | 'Table 2' | 'Table 3';
  readonly label: string;                       // as printed
  readonly model: 'gpt2' | 'olmo-1b';
  readonly stage: 'baseline' | 'finetuned' | 'pruned-iterative' | 'pruned-oneshot';
  readonly sparsity: number | null;             // fraction (0.46), as stated in the write-up; null if unpruned
  readonly scores: Readonly<Record<PaperTask, number>>;
  readonly bold: readonly PaperTask[];          // cells printed in bold
  readonly suspect: string | null;              // why the row should not be trusted, or null
}

/** A number stated in the write-up's text rather than a table. */
export interface PaperPerplexity {
  readonly method: 'one-shot' | 'iterative';
  readonly model: 'gpt2';
  readonly sparsity: number;                    // fraction of "model sparsity" (counting basis unstated)
  readonly perplexity: number;                  // validation perplexity after fine-tuning on WikiText-103
  readonly note: string;
  readonly provenance: Provenance;
}

/** A caveat from the reading notes, kept with the numbers it concerns. */
export interface PaperCaveat {
  readonly id: string;
  readonly concerns: string;                    // row id or topic
  readonly text: string;
}

const s = (piqa: number, openbookqa: number, mmlu: number, hellaswag: number, glue: number) =>
  ({ piqa, openbookqa, mmlu, hellaswag, glue });

const SUSPECT_OLMO = "identical digit for digit to Table 2's 'Pruned + Fine-Tuned GPT-2 (46%)' row: likely a copy error in the write-up";

const ROWS: readonly PaperRow[] = [
  { id: 't1.gpt2', table: 'Table 1', label: 'GPT-2', model: 'gpt2', stage: 'baseline', sparsity: null,
    scores: s(0.6289, 0.1640, 0.2292, 0.2892, 0.4658), bold: [], suspect: null },
  { id: 't1.gpt2-ft', table: 'Table 1', label: 'Fine-Tuned GPT-2', model: 'gpt2', stage: 'finetuned', sparsity: null,
    scores: s(0.6371, 0.1600, 0.2305, 0.2902, 0.4459), bold: [], suspect: null },
  { id: 't1.olmo', table: 'Table 1', label: 'OLMO-1B', model: 'olmo-1b', stage: 'baseline', sparsity: null,
    scores: s(0.7067, 0.2340, 0.2572, 0.4137, 0.4809), bold: [], suspect: null },
  { id: 't1.olmo-ft', table: 'Table 1', label: 'Fine-Tuned OLMO-1B', model: 'olmo-1b', stage: 'finetuned', sparsity: null,
    scores: s(0.7503, 0.2500, 0.2446, 0.4697, 0.4536), bold: ['piqa', 'openbookqa', 'hellaswag'], suspect: null },
  { id: 't2.gpt2-ft', table: 'Table 2', label: 'Fine-Tuned GPT-2', model: 'gpt2', stage: 'finetuned', sparsity: null,
    scores: s(0.6371, 0.1600, 0.2305, 0.2902, 0.4459), bold: [], suspect: null },
  { id: 't2.gpt2-pruned-iterative', table: 'Table 2', label: 'Pruned + Fine-Tuned GPT-2 (46%)', model: 'gpt2',
    stage: 'pruned-iterative', sparsity: 0.46, scores: s(0.5386, 0.1580, 0.2312, 0.2660, 0.5280), bold: ['mmlu', 'glue'], suspect: null },
  { id: 't2.gpt2-pruned-oneshot', table: 'Table 2', label: 'Directly Pruned + Fine-Tuned GPT-2', model: 'gpt2',
    stage: 'pruned-oneshot', sparsity: 0.47, scores: s(0.5312, 0.1423, 0.2213, 0.2621, 0.4921), bold: [], suspect: null },
  { id: 't3.olmo-ft', table: 'Table 3', label: 'Fine-Tuned OLMO-1B', model: 'olmo-1b', stage: 'finetuned', sparsity: null,
    scores: s(0.7503, 0.2500, 0.2446, 0.4697, 0.4536), bold: [], suspect: null },
  { id: 't3.olmo-pruned', table: 'Table 3', label: 'Pruned + Fine-Tuned OLMO-1B (50%)', model: 'olmo-1b',
    stage: 'pruned-oneshot', sparsity: 0.50, scores: s(0.5386, 0.1580, 0.2312, 0.2660, 0.5280), bold: ['glue'], suspect: SUSPECT_OLMO },
];

const PERPLEXITY: readonly PaperPerplexity[] = [
  { method: 'one-shot', model: 'gpt2', sparsity: 0.47, perplexity: 166.41,
    note: 'pruned once, then fine-tuned on WikiText-103',
    provenance: { source: 'seed.md', table: 'text', row: 'One-Shot Structured Pruning', column: 'Validation perplexity' } },
  { method: 'iterative', model: 'gpt2', sparsity: 0.46, perplexity: 121.41,
    note: 'gradual pruning, 3 epochs of training per iteration',
    provenance: { source: 'seed.md', table: 'text', row: 'Iterative Structured Pruning', column: 'Validation perplexity' } },
];

/** Train-split sizes of the five fine-tuning datasets, from the reading notes. */
const FINETUNE_ROWS = { piqa: 16113, siqa: 33410, openbookqa: 4957, hotpotqa: 90447, billsum: 18949 } as const;

const CAVEATS: readonly PaperCaveat[] = [
  { id: 'olmo-pruned-copy', concerns: 't3.olmo-pruned', text: `Table 3 pruned OLMo-1B row is ${SUSPECT_OLMO}.` },
  { id: 'rows-3.5M', concerns: 'fine-tuning mixture',
    text: 'The write-up says "~3.5M rows"; the five train splits total 163,876 rows (PIQA 16,113, SIQA 33,410, OBQA 4,957, HotpotQA 90,447, BillSum 18,949).' },
  { id: 'gpt2-ft-mixed', concerns: 't1.gpt2-ft',
    text: 'Fine-tuned GPT-2 beats the baseline on PIQA, MMLU and HellaSwag but loses on OpenBookQA and GLUE; the robustness claim rests mostly on OLMo-1B.' },
  { id: 'sparsity-basis', concerns: 'sparsity',
    text: 'How "model sparsity" is counted is unstated: 47% of GPT-2 attention+MLP weights is 32% of all parameters.' },
  { id: 'oneshot-row', concerns: 't2.gpt2-pruned-oneshot',
    text: '"Directly Pruned + Fine-Tuned GPT-2" is read as the one-shot run (47% sparsity in the text; the table gives none).' },
  { id: 'glue-average', concerns: 'glue', text: 'Which GLUE tasks were averaged into one number is unstated.' },
];

/** Everything the write-up publishes, with caveats. */
export const PAPER = {
  source: "the write-up's Tables 1-3 (transcribed in kernel-lib/report/paper.ts)",
  tasks: PAPER_TASKS,
  rows: ROWS,
  perplexity: PERPLEXITY,
  finetuneRows: { claimed: '~3.5M', counted: Object.values(FINETUNE_ROWS).reduce((a, b) => a + b, 0), perDataset: FINETUNE_ROWS },
  olmoPruning: { sparsity: 0.50, method: 'one-shot', structures: 'MLP linear layers', recovery: '300K-row Wikipedia subset' },
  caveats: CAVEATS,
} as const;

/** The row with `id`; throws naming the id and the known ids. */
export function paperRow(id: string): PaperRow {
  const r = ROWS.find((x) => x.id === id);
  if (!r) throw new Error(`paper: no row '${id}' (known: ${ROWS.map((x) => x.id).join(', ')})`);
  return r;
}

/** A published score with where it is printed. */
export function paperValue(id: string, task: PaperTask): { readonly value: number; readonly provenance: Provenance } {
  const r = paperRow(id);
  if (!(task in r.scores)) throw new Error(`paper: no task '${task}' (known: ${PAPER_TASKS.join(', ')})`);
  return { value: r.scores[task], provenance: { source: 'seed.md', table: r.table, row: r.label, column: PAPER_TASK_LABELS[task] } };
}
