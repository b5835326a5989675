/**
 * loadModel: a Hugging Face checkpoint (folder, hub id, or a mini id: `mini-bpe`, `mini`, ...) -> LanguageModel.
 * Reads config.json, picks the family from model_type, reads model.safetensors (or its shards),
 * maps file keys to the family's parameter names (checkpoint-layout.ts), checks every name and
 * shape against the config, and leaves the weights in their files (model/host-params.ts): engines
 * read them tensor by tensor, and tfjs receives them (as float32 variables, after a check that its
 * backend can hold them) only when something trains or takes gradients. A load writes nothing.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { backendInfo, initBackend } from '../runtime/backend.ts';
import { isMiniModelId, miniModelDir, miniModelRecipe } from './mini-models.ts';
import { familyOfConfig, getFamily } from './families.ts';
import { paramNameOf } from './checkpoint-layout.ts';
import { SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE, openCheckpoint, type CheckpointReader } from './safetensors-index.ts';
import type { BaseConfig, Family, LanguageModel } from './types.ts';
import { listRepoFiles, snapshotDownload } from '../hub/snapshot-download.ts';
import { ggufFileOf } from './gguf/gguf-path.ts';
import { inspectGguf, loadGgufModel } from './gguf/gguf-llama.ts';
import { readGguf } from './gguf/read-gguf.ts';
import { HostParams, type HostTensor } from './host-params.ts';
import { readStoredFloat32 } from './read-stored.ts';
import { isFloatDtype } from './safetensors-dtype.ts';
import { numel } from './param-values.ts';

export interface LoadModelOptions {
  /** Hub revision (branch, tag or commit) for hub ids; default 'main'. Ignored for folders. */
  readonly revision?: string;
  /** Compute dtype of the variables; tfjs computes in float32 (F16/BF16 files are widened exactly). */
  readonly dtype?: 'float32';
}

/** Files a model folder needs from the hub (weights, config, tokenizer). */
export const MODEL_FILE_PATTERNS: readonly string[] = [
  'config.json', 'generation_config.json', 'model.safetensors', 'model.safetensors.index.json', 'model-*.safetensors',
  'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.json', 'merges.txt',
];

const HUB_ID = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/;

/** Where a model id lives on disk: a mini id (mini-models.ts), an existing folder, or a hub snapshot (downloaded if needed). */
export async function resolveModelDir(idOrDir: string, revision?: string): Promise<string> {
  if (/\.(bin|pt|pth|ckpt|pkl)$/i.test(idOrDir)) {
    throw new Error(`${idOrDir}: PyTorch pickle checkpoints are refused (never unpickled or executed); convert it to safetensors first`);
  }
  if (isMiniModelId(idOrDir)) {
    const dir = miniModelDir(idOrDir);
    if (!existsSync(join(dir, 'config.json'))) throw new Error(`model '${idOrDir}': ${dir}/config.json not found (the checkpoint is rebuilt by ${miniModelRecipe(idOrDir)})`);
    return dir;
  }
  if (existsSync(idOrDir)) {
    if (!statSync(idOrDir).isDirectory() && ggufFileOf(idOrDir) === null) throw new Error(`${idOrDir}: expected a model folder (config.json + model.safetensors) or a .gguf file, got a file`);
    return idOrDir;
  }
  const notLocal = `${idOrDir}: not a folder, not a mini model id`;
  if (idOrDir.startsWith('.') || idOrDir.startsWith('/') || !HUB_ID.test(idOrDir)) throw new Error(`${notLocal}, and not a hub model id (org/name, or a name like gpt2)`);
  let dir: string;
  try {
    dir = await snapshotDownload(idOrDir, { revision, allowPatterns: MODEL_FILE_PATTERNS });
  } catch (e) {
    // the hub's message starts with `repo@revision: `; say first what else the name was tried as
    const msg = e instanceof Error ? e.message : String(e);
    if (!msg.startsWith(`${idOrDir}@`)) throw new Error(`${notLocal}, and ${msg}`, { cause: e });
    const at = msg.indexOf(': ');   // keep `repo@revision` in front
    throw new Error(`${msg.slice(0, at)}: not a folder, not a mini model id, and ${msg.slice(at + 2)}`, { cause: e });
  }
  if (!existsSync(join(dir, SAFETENSORS_FILE)) && !existsSync(join(dir, SAFETENSORS_INDEX_FILE))) {
    const hint = existsSync(join(dir, 'config.json')) ? await pickleHint(idOrDir, revision) : '';
    throw new Error(`${idOrDir}@${revision ?? 'main'}: the repo has no ${SAFETENSORS_FILE} or ${SAFETENSORS_INDEX_FILE}${hint}`);
  }
  return dir;
}

/** Why a hub repo has no safetensors: its pickles are refused (never unpickled or executed). */
async function pickleHint(repo: string, revision?: string): Promise<string> {
  try {
    const { files } = await listRepoFiles(repo, { revision });
    const pickles = files.filter((f) => /\.(bin|pt|pth)$/.test(f));
    return pickles.length ? `; it only has ${pickles.join(', ')}: PyTorch pickle checkpoints are refused (never unpickled or executed), convert to safetensors first` : '';
  } catch { return ''; }
}

/** Reads and parses `dir/config.json` (errors name the file). */
export function readConfigJson(dir: string): { raw: Record<string, unknown>; file: string } {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) throw new Error(`${dir}: no config.json`);
  let raw: unknown;
  try { raw = JSON.parse(readFileSync(file, 'utf8')); } catch (e) {
    throw new Error(`${file}: invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${file}: expected a JSON object`);
  return { raw: raw as Record<string, unknown>, file };
}

function equalArrays(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

/** Maps file keys to param names; drops buffers and notes a tied LM head (checked on load). */
function paramKeys(reader: CheckpointReader, family: Family<any>, config: BaseConfig): { keys: Map<string, string>; tiedHead: string | null } {
  const layout = family.layout;
  const keys = new Map<string, string>();   // param name -> file key
  let tiedHead: string | null = null;
  for (const key of reader.entries.keys()) {
    const name = paramNameOf(layout, key);
    if (layout.buffers.test(name)) continue;
    if (name === layout.lmHeadKey && config.tieWordEmbeddings) { tiedHead = key; continue; }
    const prev = keys.get(name);
    if (prev !== undefined) throw new Error(`${reader.source}: tensors '${prev}' and '${key}' both map to parameter '${name}'`);
    keys.set(name, key);
  }
  if (tiedHead !== null && !keys.has(layout.tiedTo)) throw new Error(`${reader.source}: tensor '${tiedHead}' present but its tied embedding '${layout.tiedTo}' is missing`);
  return { keys, tiedHead };
}

/** A checkpoint's config and parameter table read from config.json and the safetensors headers only. */
export interface CheckpointInfo {
  readonly dir: string;
  readonly family: Family<any>;
  readonly config: BaseConfig;
  /** `model.safetensors` or the shard index. */
  readonly source: string;
  /** Param name -> shape / stored dtype (F32, F16, BF16) / key in the file. */
  readonly shapes: ReadonlyMap<string, readonly number[]>;
  readonly dtypes: ReadonlyMap<string, string>;
  readonly fileKeys: ReadonlyMap<string, string>;
  /** File key of an LM head tied to the embedding (dropped on load after an equality check), if present. */
  readonly tiedHead: string | null;
}

function inspectOpen(dir: string, reader: CheckpointReader, raw: Record<string, unknown>, file: string, familyOverride?: Family<any>): CheckpointInfo {
  const family: Family<any> = familyOverride ?? getFamily(familyOfConfig(raw, file));
  const config = family.parseConfig(raw, file) as BaseConfig;
  const { keys, tiedHead } = paramKeys(reader, family, config);
  const shapes = new Map<string, readonly number[]>();
  const dtypes = new Map<string, string>();
  for (const [name, key] of keys) {
    const e = reader.entries.get(key)!;
    shapes.set(name, e.shape);
    dtypes.set(name, e.dtype);
  }
  family.checkShapes(config, shapes, reader.source);
  return { dir, family, config, source: reader.source, shapes, dtypes, fileKeys: keys, tiedHead };
}

/** A GGUF model source: a .gguf file, or a folder without config.json holding one. */
function ggufSource(dir: string): string | null {
  if (existsSync(join(dir, 'config.json'))) return null;
  return ggufFileOf(dir);
}

/** Reads config.json and the weight headers of `dir` and checks them, without reading tensor data. */
export function inspectCheckpoint(dir: string, familyOverride?: Family<any>): CheckpointInfo {
  const gguf = ggufSource(dir);
  if (gguf !== null) {
    const g = readGguf(gguf);
    try { return { dir, family: getFamily('llama'), source: gguf, ...inspectGguf(g) }; } finally { g.close(); }
  }
  const { raw, file } = readConfigJson(dir);
  const reader = openCheckpoint(dir);
  try { return inspectOpen(dir, reader, raw, file, familyOverride); } finally { reader.close(); }
}

/** Loads the checkpoint in `dir` with a given family (loadModel picks it from config.json). The
 *  parameters stay in their files (model/host-params.ts): nothing is read but the headers and,
 *  for a tied head, the two tensors compared. */
export async function loadModelFromDir(dir: string, familyOverride?: Family<any>): Promise<LanguageModel> {
  if (!backendInfo()) await initBackend();   // the backend tfjs would use if the model is trained (no tensor is made here)
  const gguf = ggufSource(dir);
  if (gguf !== null) return loadGgufModel(gguf);
  const { raw, file } = readConfigJson(dir);
  const reader = openCheckpoint(dir);
  try {
    const info = inspectOpen(dir, reader, raw, file, familyOverride);
    const layout = info.family.layout;
    if (info.tiedHead !== null && !equalArrays(reader.readFloat32(info.tiedHead), reader.readFloat32(info.fileKeys.get(layout.tiedTo)!))) {
      throw new Error(`${reader.source}: tensor '${info.tiedHead}' differs from '${info.fileKeys.get(layout.tiedTo)}' but config.json says tie_word_embeddings=true`);
    }
    const tensors = new Map<string, HostTensor>();
    for (const [name, key] of info.fileKeys) {
      const e = reader.entries.get(key)!;
      if (!isFloatDtype(e.dtype)) throw new Error(`${e.file}: tensor '${key}' has dtype ${e.dtype}; the engines read F32, F16 and BF16 weights`);
      const dtype = e.dtype, shape = e.shape, count = numel(shape);
      tensors.set(name, { shape, dtype, float32: () => readStoredFloat32(e.file, e.begin, count, dtype, key) });
    }
    return { family: info.family.name, config: info.config, params: new HostParams(tensors, reader.source) };
  } finally {
    reader.close();
  }
}

/**
 * Loads a model: `idOrDir` is a folder with config.json + model.safetensors (or shards), a llama
 * GGUF file (F32/F16/BF16, model/gguf/gguf-llama.ts) or a folder holding one, a hub id
 * (`gpt2`, `allenai/OLMo-1B-hf`, fetched through the HF_HOME hub cache), or a mini id (`mini-bpe`, `mini-olmo-bpe`, `mini`, `mini-olmo`).
 */
export async function loadModel(idOrDir: string, opts: LoadModelOptions = {}): Promise<LanguageModel> {
  if (opts.dtype !== undefined && opts.dtype !== 'float32') throw new Error(`loadModel: dtype must be 'float32', got ${JSON.stringify(opts.dtype)}`);
  return loadModelFromDir(await resolveModelDir(idOrDir, opts.revision));
}
