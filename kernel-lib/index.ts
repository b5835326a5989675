/**
 * Pruning Lab public API: the verbs and types a researcher uses in a notebook or script (load,
 * tokenize, fine-tune, prune and recover, evaluate, tabulate and plot, run the study's steps).
 * Everything else is internal: the CLI and the library's own modules import files directly.
 * Every export is listed by name under its heading; no `export *`.
 */

// ---- runtime ---------------------------------------------------------------------------
export { initBackend, backendInfo } from './runtime/backend.ts';
export type { BackendChoice, BackendInfo } from './runtime/backend.ts';

// ---- models ----------------------------------------------------------------------------
export type { LanguageModel, GPT2Config, OlmoConfig, FamilyName } from './model/types.ts';
export { logits, scoreTokens } from './model/lm.ts';
export type { TokenScores } from './model/lm.ts';
export { loadModel } from './model/load-model.ts';

export { saveModel } from './model/save-model.ts';
export type { SaveModelOptions, SavedModel } from './model/save-model.ts';

// ---- hub -------------------------------------------------------------------------------

// ---- tokenizers ------------------------------------------------------------------------
export type { Tokenizer } from './tokenizer/types.ts';
export { loadTokenizer } from './tokenizer/load-tokenizer.ts';
export { saveTokenizer } from './tokenizer/save-tokenizer.ts';

// ---- data ------------------------------------------------------------------------------
export { loadCorpus, corpusNames } from './data/corpora.ts';
export type { CorpusDocument, CorpusName, CorpusSplit, CorpusSplitConfig } from './data/corpora.ts';
export { packBlocks } from './data/packing.ts';
export type { PackRecord, Block } from './data/packing.ts';

export { generateMiniData } from './mini/generate-mini-data.ts';
export type { MiniDataConfig, MiniManifest } from './mini/generate-mini-data.ts';

export { buildMixture, mixtureStats, mixtureDefaults } from './data/mixture.ts';
export type { Mixture, MixtureConfig, MixtureRecord, MixturePlanRow, MixtureStrategy } from './data/mixture.ts';
export { formatDefaults } from './data/formatters.ts';
export type { FormatConfig } from './data/formatters.ts';
export { downloadDataset } from './data/download-data.ts';
export type { DownloadOptions } from './data/download-data.ts';

// ---- train -----------------------------------------------------------------------------
export { finetune } from './train/finetune.ts';
export type { FinetuneLog, FinetuneOptions } from './train/finetune.ts';
export { trainDefaults } from './train/train-config.ts';
export type { TrainConfig } from './train/train-config.ts';

export { multitaskFinetune, multitaskData, multitaskDefaults } from './train/multitask.ts';
export type { MultitaskConfig, MultitaskData } from './train/multitask.ts';
export type { TrainData } from './train/block-stream.ts';

// ---- prune -----------------------------------------------------------------------------
export { planPruning } from './prune/plan-pruning.ts';

export { applyPlan } from './prune/apply-plan.ts';
export { prune } from './prune/prune.ts';
export type { PruneLog, PruneIteration } from './prune/prune.ts';
export { planTable } from './prune/pruning-plan.ts';
export type { PruningPlan, UnitKind } from './prune/pruning-plan.ts';
export { pruneDefaults } from './prune/prune-config.ts';
export type { PruneConfig, SparsityOf, SelectionName, ScheduleName as PruneScheduleName } from './prune/prune-config.ts';
export { countParameters } from './prune/count-parameters.ts';
export type { ParameterCounts } from './prune/count-parameters.ts';
export { sparsity } from './prune/sparsity.ts';
export type { Sparsity } from './prune/sparsity.ts';
export { importanceCriteria, getImportance } from './prune/importance/index.ts';
export type { Importance } from './prune/importance/types.ts';
export type { Calibration } from './prune/importance/importance-context.ts';

export { measureCost } from './prune/measure-cost.ts';
export { pruneAndRecover, recoverModel, recoveryStepsPerIteration } from './prune/prune-recover.ts';
export type { PruneRecoverSpec, PruneRecoverResult, RecoveryRunOptions } from './prune/prune-recover.ts';
export { recoveryData } from './prune/recovery-data.ts';
export type { RecoveryData } from './prune/recovery-data.ts';
export type { ModelCost } from './prune/measure-cost.ts';

// ---- eval ------------------------------------------------------------------------------
export { evaluate } from './eval/evaluate.ts';
export type { EvalConfig } from './eval/evaluate.ts';
export { perplexity } from './eval/perplexity.ts';
export type { PerplexityConfig, PerplexityResult } from './eval/perplexity.ts';
export { buildRequests } from './eval/build-requests.ts';
export { loglikelihoods, loglikelihoodRolling } from './eval/loglikelihoods.ts';
export { listTasks, getTask } from './eval/tasks/index.ts';
export { formatResultsTable } from './eval/format-results-table.ts';

export type { TaskDef, MultipleChoiceTask, RollingTask, TaskGroup, EvalResult, LoglikelihoodRequest, LoglikelihoodResult, SampleLog } from './eval/types.ts';

// ---- report ----------------------------------------------------------------------------
export { PAPER, PAPER_TASKS, PAPER_TASK_LABELS, paperRow } from './report/paper.ts';
export type { PaperTask, PaperRow, PaperPerplexity, PaperCaveat, Provenance } from './report/paper.ts';

export { writeTable } from './report/write-table.ts';
export type { WriteTableOptions, WrittenTable } from './report/write-table.ts';
export { oursVsPaper, oursVsPaperPerplexity, paperTable } from './report/ours-vs-paper.ts';
export type { OursRow, OursVsPaper } from './report/ours-vs-paper.ts';
export { describeTable } from './report/describe.ts';

export { accuracyPlot, perplexityPlot, lossPlot, costPlot } from './report/plots.ts';
export type { Plot, LossCurve, CostRow } from './report/plots.ts';

export { savePlot } from './report/save-plot.ts';
export type { SavedPlot } from './report/save-plot.ts';

export { showTable, showPlot, notebookProgress, inNotebook } from './notebook/display.ts';
export type { ShowPlotOptions } from './notebook/display.ts';
export { runNotebooks } from './notebook/run.ts';
export type { RunNotebooksOptions, RunNotebooksResult, NotebookResult } from './notebook/run.ts';

// ---- experiments -----------------------------------------------------------------------
export { getProfile, miniProfile, paperProfile, quickProfile } from './experiments/profiles.ts';
export type { Profile, ProfileName, ModelRole, ModelPlan, RecoveryPlan, PrunePlanConfig } from './experiments/profiles.ts';

export type { StepOutcome } from './experiments/step-cache.ts';
export { setupTable, choicesTable } from './experiments/setup-table.ts';
export { baselines, finetuned, gpt2Pruning, olmoPruning } from './experiments/study.ts';
export type { Evaluated } from './experiments/study.ts';
export { table1, table2, table3, perplexityTable, studyPlots, accuracyTable, taskDetailTable, pruningTable, finetuneLossPlot, mixtureTable } from './experiments/study-tables.ts';
export type { StudyTable, StudyPlots } from './experiments/study-tables.ts';
export { reproduce } from './experiments/reproduce.ts';
export type { ReproduceResult } from './experiments/reproduce.ts';
export { dryRun } from './experiments/dry-run.ts';
