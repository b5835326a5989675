/**
 * Pruning Lab public API: the only module notebooks, the CLI and external scripts import.
 * Every export is listed by name under its heading (STYLE P13); no `export *`.
 */

// ---- runtime ---------------------------------------------------------------------------
export { initBackend, backendInfo } from './runtime/backend.ts';
export type { BackendChoice, BackendInfo } from './runtime/backend.ts';

// ---- models ----------------------------------------------------------------------------
export type { LanguageModel, GPT2Config, OlmoConfig, BaseConfig, FamilyName, ForwardOptions } from './model/types.ts';
export { logits, lmLoss, lossAndGrads, scoreTokens } from './model/lm.ts';
export type { LmBatch, LossOptions, TokenScores } from './model/lm.ts';
export { loadModel } from './model/load-model.ts';
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

// ---- train -----------------------------------------------------------------------------

// ---- prune -----------------------------------------------------------------------------

// ---- eval ------------------------------------------------------------------------------

// ---- report ----------------------------------------------------------------------------

// ---- experiments -----------------------------------------------------------------------
