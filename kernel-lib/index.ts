/**
 * Pruning Lab public API: the only module notebooks, the CLI and external scripts import.
 * Every export is listed by name under its heading (STYLE P13); no `export *`.
 */

// ---- runtime ---------------------------------------------------------------------------
export { initBackend, backendInfo } from './runtime/backend.ts';
export type { BackendChoice, BackendInfo, BackendOptions } from './runtime/backend.ts';

// ---- models ----------------------------------------------------------------------------
export type { LanguageModel, GPT2Config, OlmoConfig, BaseConfig, FamilyName, ForwardOptions } from './model/types.ts';
export { logits, lmLoss, lossAndGrads, scoreTokens } from './model/lm.ts';
export type { LmBatch, LossOptions, TokenScores } from './model/lm.ts';
export { loadModel, resolveModelDir } from './model/load-model.ts';
export type { LoadModelOptions } from './model/load-model.ts';
export { saveModel } from './model/save-model.ts';
export type { SaveModelOptions } from './model/save-model.ts';

// ---- hub -------------------------------------------------------------------------------
export { hubDownload } from './hub/hub-download.ts';
export type { HubDownloadOptions } from './hub/hub-download.ts';
export { snapshotDownload, listRepoFiles, listParquetFiles } from './hub/snapshot-download.ts';
export type { SnapshotDownloadOptions } from './hub/snapshot-download.ts';

// ---- tokenizers ------------------------------------------------------------------------
export type { Tokenizer } from './tokenizer/types.ts';
export { loadTokenizer } from './tokenizer/load-tokenizer.ts';
export { saveTokenizer } from './tokenizer/save-tokenizer.ts';

// ---- data ------------------------------------------------------------------------------
export { loadCorpus, corpusDocuments, corpusSplitAssignment, corpusSplitDefaults, corpusNames } from './data/corpora.ts';
export type { CorpusDocument, CorpusName, CorpusSplit, CorpusSplitConfig } from './data/corpora.ts';
export { packBlocks, tokenizeRecord, packDefaults } from './data/packing.ts';
export type { PackRecord, TokenizedRecord, Block, PackConfig } from './data/packing.ts';
export { cachedTokens, tokenCachePath } from './data/token-cache.ts';
export type { TokenCacheKey } from './data/token-cache.ts';
export { generateMiniData, readMiniManifest, miniDataDefaults } from './data/mini/generate-mini-data.ts';
export type { MiniDataConfig, MiniManifest, MiniFileInfo } from './data/mini/generate-mini-data.ts';
export { dataSources, getDataSource, finetuneSourceNames, sourceRecords } from './data/data-sources.ts';
export type { DataSource, FormatContext, HubFile } from './data/data-sources.ts';
export { buildMixture, mixtureStats, mixtureDefaults } from './data/mixture.ts';
export type { Mixture, MixtureConfig, MixtureRecord, MixturePlanRow, MixtureStrategy } from './data/mixture.ts';
export { formatSiqa, formatPiqa, formatOpenBookQa, formatHotpotQa, formatBillsum, formatText, formatDefaults, formatterVersions } from './data/formatters.ts';
export type { FormatConfig, PromptTarget } from './data/formatters.ts';
export { downloadDataset, hubDataDir } from './data/download-data.ts';
export type { DownloadOptions } from './data/download-data.ts';
export { readSiqa } from './data/sources/siqa.ts';
export type { SiqaRow } from './data/sources/siqa.ts';
export { streamHotpotQa } from './data/sources/hotpotqa.ts';
export type { HotpotRow } from './data/sources/hotpotqa.ts';
export { streamBillsum } from './data/sources/billsum.ts';
export type { BillsumRow } from './data/sources/billsum.ts';
export { streamWikitextDocuments } from './data/sources/wikitext103.ts';
export type { WikiDocument } from './data/sources/wikitext103.ts';
export { streamWikipedia, wikipediaDefaults } from './data/sources/wikipedia.ts';
export type { WikipediaRow, WikipediaSubset } from './data/sources/wikipedia.ts';

// ---- train -----------------------------------------------------------------------------
export { finetune } from './train/finetune.ts';
export type { FinetuneLog, FinetuneOptions } from './train/finetune.ts';
export { createDeviceAdamW, deviceAdamwStep, deviceFromHost, toHostState } from './train/adamw-device.ts';
export type { DeviceAdamWState, DeviceAdamWSlot } from './train/adamw-device.ts';
export { trainDefaults, resolveTrainConfig } from './train/train-config.ts';
export type { TrainConfig } from './train/train-config.ts';
export { learningRate, scheduleFactor, SCHEDULE_NAMES } from './train/schedules.ts';
export type { ScheduleName as LrScheduleName, ScheduleSpec as LrScheduleSpec } from './train/schedules.ts';
export { multitaskFinetune, multitaskData, multitaskDefaults } from './train/multitask.ts';
export type { MultitaskConfig, MultitaskData } from './train/multitask.ts';
export type { TrainBlock, TrainData } from './train/block-stream.ts';
export type { MetricRecord } from './train/run-files.ts';

// ---- prune -----------------------------------------------------------------------------
export { planPruning } from './prune/plan-pruning.ts';
export type { PlanOptions } from './prune/plan-pruning.ts';
export { applyPlan } from './prune/apply-plan.ts';
export { prune } from './prune/prune.ts';
export type { PruneLog, PruneIteration, PruneRunOptions } from './prune/prune.ts';
export { planTable } from './prune/pruning-plan.ts';
export type { PruningPlan, PlanGroup, UnitKind } from './prune/pruning-plan.ts';
export { pruneDefaults, resolvePruneConfig } from './prune/prune-config.ts';
export type { PruneConfig, SparsityOf, SelectionName, ScheduleName as PruneScheduleName } from './prune/prune-config.ts';
export { countParameters } from './prune/count-parameters.ts';
export type { ParameterCounts } from './prune/count-parameters.ts';
export { sparsity } from './prune/sparsity.ts';
export type { Sparsity } from './prune/sparsity.ts';
export { importanceCriteria, getImportance } from './prune/importance/index.ts';
export type { Importance, ImportanceContext } from './prune/importance/types.ts';
export type { Calibration } from './prune/importance/importance-context.ts';
export { schedules as sparsitySchedules, oneShot, cubic } from './prune/schedules.ts';
export type { Schedule as SparsitySchedule } from './prune/schedules.ts';
export { measureCost, flopsPerToken, costDefaults } from './prune/measure-cost.ts';
export type { ModelCost, FlopsPerToken, Latency, CostOptions } from './prune/measure-cost.ts';

// ---- eval ------------------------------------------------------------------------------
export { evaluate } from './eval/evaluate.ts';
export type { EvalConfig } from './eval/evaluate.ts';
export { perplexity } from './eval/perplexity.ts';
export type { PerplexityConfig, PerplexityResult } from './eval/perplexity.ts';
export { buildRequests } from './eval/build-requests.ts';
export { loglikelihoods, loglikelihoodRolling } from './eval/loglikelihoods.ts';
export { listTasks, getTask } from './eval/tasks/index.ts';
export { formatResultsTable } from './eval/format-results-table.ts';
export { modelFingerprint } from './model/fingerprint.ts';
export type { TaskDef, MultipleChoiceTask, RollingTask, TaskGroup, EvalResult, LoglikelihoodRequest, LoglikelihoodResult, SampleLog } from './eval/types.ts';

// ---- report ----------------------------------------------------------------------------
export { PAPER, PAPER_TASKS, PAPER_TASK_LABELS, paperRow, paperValue } from './report/paper.ts';
export type { PaperTask, PaperRow, PaperPerplexity, PaperCaveat, Provenance } from './report/paper.ts';
export { tableCsv, tableMarkdown, tableHtml } from './report/table-format.ts';
export type { TableFormatOptions } from './report/table-format.ts';
export { writeTable } from './report/write-table.ts';
export type { WriteTableOptions, WrittenTable } from './report/write-table.ts';
export { oursVsPaper, oursVsPaperPerplexity, paperTable } from './report/ours-vs-paper.ts';
export type { OursRow, OursVsPaper, OursVsPaperOptions, OursPerplexity } from './report/ours-vs-paper.ts';
export { describeTable } from './report/describe.ts';
export type { ColumnSummary } from './report/describe.ts';
export { accuracyPlot, perplexityPlot, paperPerplexitySeries, lossPlot, costPlot } from './report/plots.ts';
export type { Plot, PerplexitySeries, LossCurve, CostRow } from './report/plots.ts';
export { plotHtml } from './report/plot-html.ts';
export { savePlot } from './report/save-plot.ts';
export type { SavePlotOptions, SavedPlot } from './report/save-plot.ts';
export { findChromium } from './report/chromium.ts';
export { showTable, showPlot, notebookProgress, inNotebook, displayBundle } from './notebook/display.ts';
export type { ShowPlotOptions } from './notebook/display.ts';
export { runNotebooks } from './notebook/run.ts';
export type { RunNotebooksOptions, RunNotebooksResult, NotebookResult } from './notebook/run.ts';

// ---- experiments -----------------------------------------------------------------------
export { getProfile, miniProfile, paperProfile, quickProfile } from './experiments/profiles.ts';
export type { Profile, ProfileName, ModelRole, ModelPlan, RecoveryPlan, PrunePlanConfig } from './experiments/profiles.ts';
export { cachedStep, stepLocation, readStep } from './experiments/step-cache.ts';
export type { StepOutcome, StepRecord, StepOptions } from './experiments/step-cache.ts';
export { setupTable, choicesTable } from './experiments/setup-table.ts';
export { baselines, finetuned, gpt2Pruning, olmoPruning } from './experiments/study.ts';
export type { Evaluated } from './experiments/study.ts';
export { table1, table2, table3, perplexityTable, studyPlots, accuracyTable, taskDetailTable, pruningTable, finetuneLossPlot, mixtureTable } from './experiments/study-tables.ts';
export type { StudyTable, StudyPlots } from './experiments/study-tables.ts';
export { reproduce } from './experiments/reproduce.ts';
export type { ReproduceResult } from './experiments/reproduce.ts';
export { dryRun } from './experiments/dry-run.ts';
