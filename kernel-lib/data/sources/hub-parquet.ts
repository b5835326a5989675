/**
 * A dataset file from the Hugging Face hub (downloaded once into the hub cache by hubDownload,
 * then read from there; LAB_OFFLINE=1 reads the cache only) as parquet records. The eval sources
 * use the parquet files the hub now stores for each dataset (spec section 3).
 */
import { hubDownload, type HubDownloadOptions } from '../../hub/hub-download.ts';
import { readParquet, type ParquetRecord } from '../formats/parquet.ts';

/** Where a split lives on the hub. */
export interface HubParquetFile {
  /** Dataset repo id, e.g. 'allenai/openbookqa'. */
  readonly repo: string;
  /** File path inside the repo, e.g. 'main/test-00000-of-00001.parquet'. */
  readonly path: string;
  /** Branch, tag or commit (default 'main'). */
  readonly revision?: string;
}

/** Downloads (or finds in the cache) and reads one parquet file; `file` names it for errors. */
export async function readHubParquet(f: HubParquetFile, opts: Omit<HubDownloadOptions, 'repoType' | 'revision'> = {}): Promise<{ records: ParquetRecord[]; file: string }> {
  const file = await hubDownload(f.repo, f.path, { ...opts, repoType: 'dataset', ...(f.revision ? { revision: f.revision } : {}) });
  return { records: await readParquet(file), file };
}
