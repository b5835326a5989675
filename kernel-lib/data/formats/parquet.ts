/**
 * Apache Parquet via hyparquet, with hyparquet-compressors for the codecs the Hub's parquet
 * files use (snappy, zstd, gzip, brotli, lz4). Rows come back as plain objects keyed by column
 * name; nested columns (lists, structs) as arrays and objects; int64 as bigint (hyparquet's
 * choice). A file that is not parquet or is truncated fails with a DataError naming the file.
 */
import { readFileSync } from 'node:fs';
import { parquetReadObjects, parquetMetadata } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DataError } from './data-error.ts';

/** One parquet row as hyparquet decodes it. */
export type ParquetRecord = Record<string, unknown>;

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Reads every row of a parquet file into memory (the evaluation splits are small). */
export async function readParquet(path: string, columns?: readonly string[]): Promise<ParquetRecord[]> {
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); } catch (e) {
    throw new DataError(path, undefined, `cannot read (${e instanceof Error ? e.message : String(e)})`);
  }
  if (bytes.byteLength === 0) throw new DataError(path, undefined, 'empty file: expected parquet');
  const file = toArrayBuffer(bytes);
  try {
    const metadata = parquetMetadata(file);
    return await parquetReadObjects({
      file,
      metadata,
      compressors,
      ...(columns ? { columns: [...columns] } : {}),
    }) as ParquetRecord[];
  } catch (e) {
    throw new DataError(path, undefined, `unreadable parquet (${e instanceof Error ? e.message : String(e)})`);
  }
}
