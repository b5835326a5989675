/**
 * Writes a Hugging Face checkpoint folder of any shape (hf-shapes.ts) with seeded random weights:
 * config.json (hf-config-json.ts), model.safetensors or `model-0000i-of-0000n.safetensors` shards
 * plus model.safetensors.index.json (filled in module order, a new shard when the next tensor
 * would pass maxShardBytes, as transformers' save_pretrained does), and a tokenizer whose ids
 * cover [0, V) (build-test-tokenizer.ts).
 *
 * Streaming: each tensor is generated and written in chunks of 4 Mi elements, so a 1.2B-parameter
 * folder needs a few tens of MB of memory. Values: one table of 65536 N(0, std) samples (norm
 * weights 1 + 0.1 N(0, 1)) per kind, already rounded to the stored dtype, indexed by the two
 * 16-bit halves of a per-tensor xorshift32 stream: one lookup per element (~2 s per billion).
 * Shards are written to a temp name and renamed.
 */
import { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { numberToF16Bits } from '../../kernel-lib/model/safetensors-dtype.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';
import { hfConfigJson } from './hf-config-json.ts';
import { hfTensors, type HfDtype, type HfShape, type HfTensorSpec } from './hf-shapes.ts';
import { buildTestTokenizer } from './build-test-tokenizer.ts';

export interface WrittenCheckpoint {
  readonly dir: string;
  /** Weight files written (shards or model.safetensors), in order. */
  readonly files: readonly string[];
  readonly parameters: number;
  /** Bytes of the weights as float32 (the memory bound of the real-size checks is based on it). */
  readonly float32Bytes: number;
  readonly seconds: number;
}

const BYTES: Readonly<Record<HfDtype, number>> = { F32: 4, F16: 2, BF16: 2 };
const CHUNK = 1 << 22;

function bf16Bits(x: number): number {
  const u = new Uint32Array(new Float32Array([x]).buffer)[0]!;
  return (u + 0x7fff + ((u >>> 16) & 1)) >>> 16;   // round to nearest even (finite values)
}

/** 65536 samples of the kind's distribution, as stored elements (Float32Array for F32, bits otherwise). */
function valueTable(kind: HfTensorSpec['kind'], std: number, dtype: HfDtype, seed: number): Float32Array | Uint16Array {
  const rng = createRng(seed);
  const values = new Float32Array(65536);
  for (let i = 0; i < values.length; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());   // Box-Muller
    values[i] = kind === 'norm' ? 1 + 0.1 * z : std * z;
  }
  if (dtype === 'F32') return values;
  return Uint16Array.from(values, (x) => (dtype === 'F16' ? numberToF16Bits(x) : bf16Bits(x)));
}

/** FNV-1a of the tensor key mixed with the seed: each tensor's stream is independent of the others. */
function tensorSeed(key: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h || 1;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

const numel = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);

/** Streams one tensor's elements into `fd`. */
function writeTensor(fd: number, t: HfTensorSpec, table: Float32Array | Uint16Array, seed: number): void {
  const n = numel(t.shape);
  const buf = table instanceof Float32Array ? new Float32Array(Math.min(CHUNK, n + 1)) : new Uint16Array(Math.min(CHUNK, n + 1));
  let s = tensorSeed(t.key, seed);
  for (let start = 0; start < n; start += CHUNK) {
    const m = Math.min(CHUNK, n - start);
    for (let i = 0; i < m; i += 2) {
      s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
      buf[i] = table[s & 0xffff]!;
      buf[i + 1] = table[(s >>> 16) & 0xffff]!;     // may land one past m: buf has room, and it is not written out
    }
    writeAll(fd, new Uint8Array(buf.buffer, 0, m * buf.BYTES_PER_ELEMENT));
  }
}

/** One safetensors file: header (name order, space-padded to 8 bytes) then the elements, via a temp file. */
function writeShard(path: string, tensors: readonly HfTensorSpec[], s: HfShape, tables: Map<string, Float32Array | Uint16Array>, seed: number): void {
  const sorted = [...tensors].sort((a, b) => (a.key < b.key ? -1 : 1));
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const t of sorted) {
    const bytes = numel(t.shape) * BYTES[s.dtype];
    header[t.key] = { dtype: s.dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeAll(fd, prefix);
    writeAll(fd, Buffer.from(json, 'utf8'));
    for (const t of sorted) writeTensor(fd, t, tables.get(t.kind)!, seed);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try { closeSync(fd); } catch { /* already closed */ }
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Groups tensors into shards as save_pretrained does: in order, a new shard when the next would pass the limit. */
export function planShards(tensors: readonly HfTensorSpec[], dtype: HfDtype, maxShardBytes: number): HfTensorSpec[][] {
  const shards: HfTensorSpec[][] = [[]];
  let size = 0;
  for (const t of tensors) {
    const bytes = numel(t.shape) * BYTES[dtype];
    if (size > 0 && size + bytes > maxShardBytes) { shards.push([]); size = 0; }
    shards[shards.length - 1]!.push(t);
    size += bytes;
  }
  return shards;
}

/** Writes the folder (a fresh one under os.tmpdir() unless `dir` is given); the caller removes it. */
export function writeHfCheckpoint(s: HfShape, opts: { dir?: string; seed?: number } = {}): WrittenCheckpoint {
  const t0 = performance.now();
  const seed = opts.seed ?? 1;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), `lab-${s.name}-`));
  mkdirSync(dir, { recursive: true });
  const tensors = hfTensors(s);
  const tables = new Map<string, Float32Array | Uint16Array>(
    (['weight', 'norm', 'bias'] as const).map((kind, k) => [kind, valueTable(kind, s.std, s.dtype, seed * 7919 + k)]),
  );
  const shards = planShards(tensors, s.dtype, s.maxShardBytes);
  const files = shards.length === 1
    ? ['model.safetensors']
    : shards.map((_, i) => `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`);
  shards.forEach((shard, i) => writeShard(join(dir, files[i]!), shard, s, tables, seed));
  const parameters = tensors.reduce((a, t) => a + numel(t.shape), 0);
  if (shards.length > 1) {
    const weightMap: Record<string, string> = {};
    const pairs = shards.flatMap((shard, i) => shard.map((t) => [t.key, files[i]!] as const)).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (const [key, file] of pairs) weightMap[key] = file;
    const index = { metadata: { total_size: parameters * BYTES[s.dtype] }, weight_map: weightMap };
    writeFileSync(join(dir, 'model.safetensors.index.json'), `${JSON.stringify(index, null, 2)}\n`);
  }
  writeFileSync(join(dir, 'config.json'), hfConfigJson(s));
  const tok = buildTestTokenizer(s);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tok.tokenizerJson));
  writeFileSync(join(dir, 'tokenizer_config.json'), `${JSON.stringify(tok.tokenizerConfig, null, 2)}\n`);
  return { dir, files, parameters, float32Bytes: 4 * parameters, seconds: (performance.now() - t0) / 1000 };
}
