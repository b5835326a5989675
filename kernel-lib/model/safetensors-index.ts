/**
 * A checkpoint folder's weights as one reader: `model.safetensors`, or the sharded layout
 * `model.safetensors.index.json` ({ "metadata": {...}, "weight_map": { tensor: shard file } })
 * that transformers' save_pretrained writes for large models. PyTorch pickles are refused.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openSafetensors, type SafetensorsEntry, type SafetensorsReader } from './safetensors.ts';

export const SAFETENSORS_FILE = 'model.safetensors';
export const SAFETENSORS_INDEX_FILE = 'model.safetensors.index.json';
const PICKLE_FILES = ['pytorch_model.bin', 'pytorch_model.bin.index.json', 'model.pt', 'model.pth', 'tf_model.h5', 'flax_model.msgpack'];

/** The tensors of a checkpoint folder (one file or several shards), read on demand. */
export interface CheckpointReader {
  /** Weight file(s) read: `model.safetensors` or the index file. */
  readonly source: string;
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  readFloat32(name: string): Float32Array;
  close(): void;
}

/** Which weights file a folder has; throws naming the folder when it has only pickles or nothing. */
export function checkpointWeightsFile(dir: string): string {
  const single = join(dir, SAFETENSORS_FILE);
  if (existsSync(single)) return single;
  const index = join(dir, SAFETENSORS_INDEX_FILE);
  if (existsSync(index)) return index;
  const pickles = PICKLE_FILES.filter((f) => existsSync(join(dir, f)));
  if (pickles.length) {
    throw new Error(`${dir}: only ${pickles.join(', ')} found; PyTorch pickle (.bin/.pt/.pth) checkpoints are refused (never unpickled or executed): convert to safetensors first (transformers: model.save_pretrained(dir, safe_serialization=True))`);
  }
  throw new Error(`${dir}: no ${SAFETENSORS_FILE} or ${SAFETENSORS_INDEX_FILE} found`);
}

/** Parses a sharded index file: tensor name -> shard file name (validated). */
export function readShardIndex(indexPath: string): Map<string, string> {
  let raw: unknown;
  try { raw = JSON.parse(readFileSync(indexPath, 'utf8')); } catch (e) {
    throw new Error(`${indexPath}: invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const wm = (raw as Record<string, unknown> | null)?.weight_map;
  if (!wm || typeof wm !== 'object' || Array.isArray(wm)) throw new Error(`${indexPath}: key 'weight_map' must be an object {tensor: shard file}`);
  const map = new Map<string, string>();
  for (const [name, shard] of Object.entries(wm as Record<string, unknown>)) {
    if (typeof shard !== 'string' || !shard || basename(shard) !== shard) {
      throw new Error(`${indexPath}: weight_map['${name}'] must be a shard file name in the same folder, got ${JSON.stringify(shard)}`);
    }
    map.set(name, shard);
  }
  return map;
}

/** Opens the weights of a checkpoint folder (single file or shards). */
export function openCheckpoint(dir: string): CheckpointReader {
  const file = checkpointWeightsFile(dir);
  if (file.endsWith(SAFETENSORS_FILE)) {
    const r = openSafetensors(file);
    return { source: file, entries: r.entries, readFloat32: (n) => r.readFloat32(n), close: () => r.close() };
  }
  const weightMap = readShardIndex(file);
  const readers = new Map<string, SafetensorsReader>();
  const closeAll = (): void => { for (const r of readers.values()) r.close(); };
  try {
    for (const shard of new Set(weightMap.values())) {
      const p = join(dir, shard);
      if (!existsSync(p)) throw new Error(`${file}: shard ${shard} listed in weight_map is missing from ${dir}`);
      readers.set(shard, openSafetensors(p));
    }
    const entries = new Map<string, SafetensorsEntry>();
    for (const [shard, r] of readers) {
      for (const [name, e] of r.entries) {
        const listed = weightMap.get(name);
        if (listed === undefined) throw new Error(`${r.path}: tensor '${name}' is not listed in ${file}'s weight_map`);
        if (listed !== shard) throw new Error(`${r.path}: tensor '${name}' is listed in weight_map under ${listed}`);
        entries.set(name, e);
      }
    }
    for (const [name, shard] of weightMap) {
      if (!entries.has(name)) throw new Error(`${join(dir, shard)}: tensor '${name}' listed in ${basename(file)} is missing from the shard`);
    }
    return {
      source: file,
      entries,
      readFloat32(name) {
        const shard = weightMap.get(name);
        if (shard === undefined) throw new Error(`${file}: no tensor '${name}'`);
        return readers.get(shard)!.readFloat32(name);
      },
      close: closeAll,
    };
  } catch (e) {
    closeAll();
    throw e;
  }
}
