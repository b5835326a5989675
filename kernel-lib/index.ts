/**
 * Pruning Lab public API: the verbs and types a researcher uses in a notebook or script (load,
 * tokenize, fine-tune, prune and recover, evaluate, tabulate and plot, run the study's steps).
 * Everything else is internal: the CLI and the library's own modules import files directly.
 * Every export is listed by name under its heading; no `export *`.
 */

// ---- runtime ---------------------------------------------------------------------------
export { initBackend, backendInfo } from './runtime/backend.ts';
export type { BackendChoice, BackendInfo, BackendOptions } from './runtime/backend.ts';

// ---- models ----------------------------------------------------------------------------
export type { LanguageModel, GPT2Config, OlmoConfig, FamilyName, LlamaLikeConfig, RopeSpec, Llama3RopeScaling } from './model/types.ts';
export { logits, scoreTokens } from './model/lm.ts';
export type { TokenScores } from './model/lm.ts';
export { loadModel } from './model/load-model.ts';

export { saveModel } from './model/save-model.ts';
export type { SaveModelOptions, SavedModel } from './model/save-model.ts';
export type { LlamaConfig } from './model/types.ts';
export { getFamily } from './model/families.ts';
export { llamaLikeTypes } from './model/llama-like-types.ts';
export type { LlamaLikeType } from './model/llama-like-types.ts';
export { readGguf } from './model/gguf/read-gguf.ts';
export type { GgufFile, GgufTensorInfo, GgufValue } from './model/gguf/read-gguf.ts';
export { loadGgufModel } from './model/gguf/gguf-llama.ts';
export { generate, generateDefaults, newTokenBudget, pickToken } from './generate/generate.ts';
export type { GenerateConfig, Generation, GenerateHooks } from './generate/generate.ts';

// ---- hub -------------------------------------------------------------------------------

// ---- tokenizers ------------------------------------------------------------------------
export type { Tokenizer } from './tokenizer/types.ts';
export { loadTokenizer } from './tokenizer/load-tokenizer.ts';
export { saveTokenizer } from './tokenizer/save-tokenizer.ts';
export { createSpmTokenizer } from './tokenizer/spm-tokenizer.ts';
export type { SpmVocabulary } from './tokenizer/spm-tokenizer.ts';
export { loadGgufTokenizer } from './tokenizer/gguf-tokenizer.ts';
export { saveGgufTokenizer } from './tokenizer/save-gguf-tokenizer.ts';

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
export { createDeviceAdamW, deviceAdamwStep, deviceFromHost, toHostState } from './train/adamw-device.ts';
export type { DeviceAdamWState, DeviceAdamWSlot } from './train/adamw-device.ts';
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
export { importanceTable } from './prune/importance-table.ts';
export { heldOutPerplexity } from './prune/study/held-out-perplexity.ts';
export { ITERATIVE_BUDGETS, iterativeRecoveryPlan, iterativeRecoveryPlans, budgetLabel } from './prune/iterative-budget.ts';
export type { IterativeBudget } from './prune/iterative-budget.ts';
// retraining-free pruning: forward-pass statistics (flap, wanda-sp, activation), bias compensation, host-side apply
export { criterionNeeds } from './prune/importance/index.ts';
export { ortChannelStats } from './engine/ort-channel-stats.ts';
export type { ChannelStats } from './engine/ort-channel-stats.ts';
export type { ChannelMoments } from './engine/channel-moments.ts';
export { biasCompensation } from './prune/bias-compensation.ts';
export { applyPlanOnHost } from './prune/apply-plan-host.ts';
export { pruneForwardOnly, perplexityOf } from './prune/prune-forward-only.ts';
export type { ForwardOnlyResult } from './prune/prune-forward-only.ts';
export { calibrationData, parseCalibrationSpec, selfSamples } from './prune/calibration-data.ts';
export type { CalibrationSpec } from './prune/calibration-data.ts';
export { planSummary } from './prune/plan-summary.ts';
export type { PlanSummary } from './prune/plan-summary.ts';
export { removalHeatmap } from './experiments/removal-heatmap.ts';

// ---- eval ------------------------------------------------------------------------------
export { evaluate } from './eval/evaluate.ts';
export type { EvalConfig } from './eval/evaluate.ts';
export { perplexity } from './eval/perplexity.ts';
export type { PerplexityConfig, PerplexityResult } from './eval/perplexity.ts';
export { buildRequests } from './eval/build-requests.ts';
export { loglikelihoods, loglikelihoodRolling } from './eval/loglikelihoods.ts';
export { listTasks, getTask } from './eval/tasks/index.ts';
export { formatResultsTable } from './eval/format-results-table.ts';
export { scoreDocument } from './eval/score-document.ts';
export type { ScoredDocument } from './eval/score-document.ts';

// ---- engine (ONNX Runtime for forward passes, docs/engines.md) ---------------------------
export { selectEngine, ortAvailable } from './engine/select-engine.ts';
export { parseOrtProviders, ortProviderStatus, selectOrtProviders, ORT_PROVIDER_NAMES } from './engine/ort-providers.ts';
export type { OrtProviderName, OrtProviderStatus, OrtProviderChoice } from './engine/ort-providers.ts';
export { exportOnnx, exportDefaults } from './engine/export-onnx.ts';
export type { ExportOnnxOptions, ExportedOnnx } from './engine/export-onnx.ts';
export { ortScorePositions } from './engine/ort-score-positions.ts';
export { scoreTokensOn } from './engine/score-tokens-on.ts';
export { openOnnxDecoder, onnxFilePerplexity } from './engine/onnx-file.ts';
export { onnxFamily, onnxFamilies } from './engine/onnx-families.ts';
export type { OnnxFamily, DecoderContext } from './engine/onnx-family.ts';
export { OnnxGraph } from './engine/onnx-graph.ts';
export { disposeSessions } from './engine/ort-sessions.ts';
export type { EngineName } from './runtime/engine-env.ts';
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
export type { SavePlotOptions, SavedPlot } from './report/save-plot.ts';
export { withUncertaintyRows } from './report/uncertainty-rows.ts';
export type { DeltaCell, ComparisonRow, UncertaintyRows } from './report/uncertainty-rows.ts';
export { uncertainDisplay } from './report/uncertain-display.ts';
export type { UncertainDisplayOptions } from './report/uncertain-display.ts';
export type { AccuracyRow } from './report/plots.ts';

// ---- stats -----------------------------------------------------------------------------
export { pairedBootstrap } from './stats/paired-bootstrap.ts';
export type { PairedBootstrapConfig, PairedDelta, PairedStratum } from './stats/paired-bootstrap.ts';
export { mcnemarExact } from './stats/mcnemar-exact.ts';
export type { McNemarResult } from './stats/mcnemar-exact.ts';
export { perplexityEstimate, pairedPerplexity } from './stats/perplexity-stderr.ts';
export type { BlockLoss, PerplexityEstimate, PairedPerplexity } from './stats/perplexity-stderr.ts';
export { chanceLevel } from './stats/chance-level.ts';
export { independentMeanStderr } from './stats/independent-mean-stderr.ts';
export { quantile } from './stats/quantile.ts';
export { erfc, twoSidedP, zCritical } from './stats/normal-cdf.ts';
export { binomialCdfHalf } from './stats/binomial-cdf.ts';
export { showTable, showPlot, notebookProgress, inNotebook } from './notebook/display.ts';
export type { ShowPlotOptions } from './notebook/display.ts';
export { PLOTLY_MIME } from './notebook/display.ts';
export { modelCard } from './experiments/model-card.ts';
export type { ModelCard } from './experiments/model-card.ts';
export { tokenTable } from './experiments/token-table.ts';
export { shapeTable } from './experiments/tensor-shapes.ts';
export { headImportanceHeatmap, neuronScoreHistogram } from './experiments/importance-plots.ts';

// ---- experiments -----------------------------------------------------------------------
export { getProfile, miniProfile, paperProfile, quickProfile } from './experiments/profiles.ts';
export { gpt2PrunePlan } from './experiments/profiles.ts';
export type { Profile, ProfileName, ModelRole, ModelPlan, RecoveryPlan, PrunePlanConfig, Gpt2PrunePlanConfig } from './experiments/profiles.ts';

export type { StepOutcome } from './experiments/step-cache.ts';
export { setupTable, choicesTable } from './experiments/setup-table.ts';
export { baselines, finetuned, gpt2Pruning, olmoPruning, runName } from './experiments/study.ts';
export type { Evaluated, Pruned, Gpt2Pruning, OlmoPruning } from './experiments/study.ts';
export { table1, table2, table3, perplexityTable, studyPlots, accuracyTable, taskDetailTable, pruningTable, finetuneLossPlot, mixtureTable } from './experiments/study-tables.ts';
export type { StudyTable, StudyPlots } from './experiments/study-tables.ts';
export { perDocOutcomes } from './experiments/per-doc-outcomes.ts';
export type { DocOutcomes } from './experiments/per-doc-outcomes.ts';
export { columnN, columnStderr, columnChance, columnValue, pairedColumnDelta } from './experiments/column-stats.ts';
export { scoreUncertainty, chanceRow, comparisonRow, statisticsNotes, perplexityInterval, perplexityPairsTable } from './experiments/study-uncertainty.ts';
export { heldOutBlockLosses } from './prune/study/held-out-block-losses.ts';
export { intervalColumns, perplexityIntervalColumns } from './prune/study/perplexity-interval-columns.ts';
export { accuracyStderrTable, prunePlanOf, scheduleTable, recoveryLossPlot, sourceExamples } from './experiments/study-views.ts';
export { studyDataDir, openStudyModel } from './experiments/study-inputs.ts';
export type { OpenedModel } from './experiments/study-inputs.ts';
export { reproduce } from './experiments/reproduce.ts';
export type { ReproduceResult } from './experiments/reproduce.ts';
export { dryRun } from './experiments/dry-run.ts';
export type { DryRunOptions, PlannedDownload, StepCheck } from './experiments/dry-run.ts';
export { forwardBytes, trainingBytes, SAVED_PER_TOKEN } from './experiments/step-memory.ts';
export type { ModelShape, StepBytes } from './experiments/step-memory.ts';
export { machineFacts } from './experiments/machine-facts.ts';
export type { MachineFacts } from './experiments/machine-facts.ts';
