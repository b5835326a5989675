/**
 * Pruning Lab public API: what the notebooks and the documented workflows call, grouped by verb
 * (models, data, train, prune, eval, report, experiments), each name listed under its heading;
 * no `export *`. docs/api.md gives one line per value. Everything else is internal: the CLI and
 * the library's own modules import files directly.
 */

// ---- models: backends, load / save, forward and generate, tokenizers, ONNX export ----------
export { initBackend, backendInfo } from './runtime/backend.ts';
export { loadModel } from './model/load-model.ts';
export { saveModel } from './model/save-model.ts';
export { loadTokenizer } from './tokenizer/load-tokenizer.ts';
export { saveTokenizer } from './tokenizer/save-tokenizer.ts';
export { logits, scoreTokens } from './model/lm.ts';
export { generate } from './generate/generate.ts';
export { getFamily } from './model/families.ts';
export { countParameters } from './prune/count-parameters.ts';
export { exportOnnx } from './engine/export-onnx.ts';
export { selectEngine } from './engine/select-engine.ts';
export { disposeSessions } from './engine/ort-sessions.ts';
export type { BackendInfo, BackendOptions } from './runtime/backend.ts';
export type { LanguageModel, GPT2Config, OlmoConfig, LlamaConfig, LlamaLikeConfig, FamilyName } from './model/types.ts';
export type { SaveModelOptions, SavedModel } from './model/save-model.ts';
export type { Tokenizer } from './tokenizer/types.ts';
export type { TokenScores } from './model/lm.ts';
export type { GenerateConfig, Generation } from './generate/generate.ts';
export type { ParameterCounts } from './prune/count-parameters.ts';
export type { ExportOnnxOptions, ExportedOnnx } from './engine/export-onnx.ts';
export type { EngineName } from './runtime/engine-env.ts';

// ---- data: embedded corpora, blocks, the fine-tuning mixture, the mini benchmark data -----
export { loadCorpus, corpusNames } from './data/corpora.ts';
export { corpusBlocks } from './data/corpus-blocks.ts';
export { packBlocks } from './data/packing.ts';
export { buildMixture, mixtureStats } from './data/mixture.ts';
export { generateMiniData } from './mini/generate-mini-data.ts';
export { downloadDataset } from './data/download-data.ts';
export type { CorpusDocument, CorpusName, CorpusSplit } from './data/corpora.ts';
export type { Block } from './data/packing.ts';
export type { Mixture, MixtureConfig } from './data/mixture.ts';
export type { MiniDataConfig } from './mini/generate-mini-data.ts';

// ---- train: fine-tuning on blocks or on the multi-task mixture ------------------------------
export { finetune } from './train/finetune.ts';
export { trainDefaults } from './train/train-config.ts';
export { multitaskFinetune, multitaskData } from './train/multitask.ts';
export type { FinetuneLog, FinetuneOptions } from './train/finetune.ts';
export type { TrainConfig } from './train/train-config.ts';
export type { TrainData } from './train/block-stream.ts';
export type { MultitaskConfig, MultitaskData } from './train/multitask.ts';

// ---- prune: importance, plans, schedules, recovery, sparsity, cost, held-out perplexity -----
export { planPruning } from './prune/plan-pruning.ts';
export { applyPlan } from './prune/apply-plan.ts';
export { prune } from './prune/prune.ts';
export { pruneDefaults } from './prune/prune-config.ts';
export { planTable } from './prune/pruning-plan.ts';
export { importanceCriteria } from './prune/importance/index.ts';
export { importanceTable } from './prune/importance-table.ts';
export { sparsity } from './prune/sparsity.ts';
export { measureCost } from './prune/measure-cost.ts';
export { pruneAndRecover } from './prune/prune-recover.ts';
export { recoveryData } from './prune/recovery-data.ts';
export { heldOutBlockLosses, pooledPerplexity } from './prune/held-out-block-losses.ts';
export type { PruneConfig, SparsityOf, SelectionName, ScheduleName as PruneScheduleName } from './prune/prune-config.ts';
export type { PruningPlan, UnitKind } from './prune/pruning-plan.ts';
export type { PruneLog, PruneIteration } from './prune/prune.ts';
export type { Sparsity } from './prune/sparsity.ts';
export type { ModelCost } from './prune/measure-cost.ts';
export type { Importance } from './prune/importance/types.ts';
export type { Calibration } from './prune/importance/importance-context.ts';
export type { PruneRecoverSpec, PruneRecoverResult } from './prune/prune-recover.ts';
export type { RecoveryData, RecoveryPlan } from './prune/recovery-data.ts';
export { pruneForwardOnly } from './prune/prune-forward-only.ts';
export { applyPlanOnHost } from './prune/apply-plan-host.ts';
export { planSummary } from './prune/plan-summary.ts';
export type { ForwardOnlyResult } from './prune/prune-forward-only.ts';
export type { PlanSummary } from './prune/plan-summary.ts';
export type { CalibrationSpec } from './prune/calibration-data.ts';
export type { CompensationName } from './prune/prune-config.ts';

// ---- eval: LM Evaluation Harness tasks and scoring, and the statistics of their results ----
export { evaluate } from './eval/evaluate.ts';
export { listTasks, getTask } from './eval/tasks/index.ts';
export { loglikelihoods, loglikelihoodRolling } from './eval/loglikelihoods.ts';
export { scoreDocument } from './eval/score-document.ts';
export { formatResultsTable } from './eval/format-results-table.ts';
export { perplexityEstimate, pairedPerplexity } from './stats/perplexity-stderr.ts';
export { pairedBootstrap } from './stats/paired-bootstrap.ts';
export { mcnemarExact } from './stats/mcnemar-exact.ts';
export { chanceLevel } from './stats/chance-level.ts';
export type { EvalConfig } from './eval/evaluate.ts';
export type { TaskDef, MultipleChoiceTask, RollingTask, TaskGroup, EvalResult, LoglikelihoodRequest, LoglikelihoodResult, SampleLog } from './eval/types.ts';
export type { ScoredDocument } from './eval/score-document.ts';
export type { BlockLoss, PerplexityEstimate, PairedPerplexity } from './stats/perplexity-stderr.ts';
export type { PairedBootstrapConfig, PairedDelta } from './stats/paired-bootstrap.ts';
export type { McNemarResult } from './stats/mcnemar-exact.ts';

// ---- report: tables, plots, the published numbers, notebook display ------------------------
export { PAPER } from './report/paper.ts';
export { paperTable, oursVsPaper } from './report/ours-vs-paper.ts';
export { writeTable } from './report/write-table.ts';
export { describeTable } from './report/describe.ts';
export { accuracyPlot, perplexityPlot, lossPlot, costPlot } from './report/plots.ts';
export { savePlot } from './report/save-plot.ts';
export { showTable, showPlot, notebookProgress } from './notebook/display.ts';
export type { PaperTask, PaperRow } from './report/paper.ts';
export type { OursRow, OursVsPaper } from './report/ours-vs-paper.ts';
export type { WriteTableOptions, WrittenTable } from './report/write-table.ts';
export type { Plot, AccuracyRow, LossCurve, CostRow } from './report/plots.ts';
export type { SavePlotOptions, SavedPlot } from './report/save-plot.ts';
export type { ShowPlotOptions } from './notebook/display.ts';

// ---- experiments: the study's profiles, steps, tables and views, and the pruning studies ---
export { getProfile } from './experiments/profiles.ts';
export { reproduce } from './experiments/reproduce.ts';
export { dryRun } from './experiments/dry-run.ts';
export { baselines, finetuned, gpt2Pruning, olmoPruning, runName } from './experiments/study.ts';
export { table1, table2, table3, perplexityTable, studyPlots, taskDetailTable, pruningTable, finetuneLossPlot, mixtureTable } from './experiments/study-tables.ts';
export { setupTable, choicesTable } from './experiments/setup-table.ts';
export { accuracyStderrTable, scheduleTable, recoveryLossPlot, sourceExamples } from './experiments/study-views.ts';
export { studyDataDir, openStudyModel } from './experiments/study-inputs.ts';
export { modelCard } from './experiments/model-card.ts';
export { tokenTable } from './experiments/token-table.ts';
export { shapeTable } from './experiments/tensor-shapes.ts';
export { headImportanceHeatmap, neuronScoreHistogram } from './experiments/importance-plots.ts';
export { planSummaryViews } from './experiments/plan-summary-views.ts';
export { compareSchedules } from './experiments/compare-schedules.ts';
export { rankCriteria } from './experiments/rank-criteria.ts';
export type { Profile, ProfileName, ModelRole, ModelPlan, PrunePlanConfig } from './experiments/profiles.ts';
export type { Evaluated, Pruned, Gpt2Pruning, OlmoPruning } from './experiments/study.ts';
export type { StudyTable, StudyPlots } from './experiments/study-tables.ts';
export type { OpenedModel } from './experiments/study-inputs.ts';
export type { ModelCard } from './experiments/model-card.ts';
export type { ReproduceResult } from './experiments/reproduce.ts';
export type { DryRunOptions, StepCheck } from './experiments/dry-run.ts';
export type { PruneStudyConfig } from './experiments/prune-study-config.ts';
export type { PlanSummaryViews } from './experiments/plan-summary-views.ts';
