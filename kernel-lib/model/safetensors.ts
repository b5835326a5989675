/**
 * Reader of the safetensors format (https://github.com/huggingface/safetensors, "Format"):
 *   [8 bytes]  N, little-endian u64: byte length of the header
 *   [N bytes]  UTF-8 JSON: { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: {str: str} }
 *              (offsets are relative to the byte buffer that follows; the header may be space-padded)
 *   [rest]     the byte buffer, little-endian elements, row-major.
 * Tensors are read one at a time with positioned reads on a file descriptor, so a multi-GB checkpoint
 * is never held as one Buffer or string. Every malformed input is an Error naming the file (and tensor).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { DTYPE_BYTES, decodeBF16, decodeF16, isFloatDtype } from './safetensors-dtype.ts';

/** Largest header we accept (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor's entry in a safetensors header. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly file: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Absolute byte range in the file: [begin, end). */
  readonly begin: number;
  readonly end: number;
}

/** An open safetensors file: its header, and positioned reads of its tensors. */
export interface SafetensorsReader {
  readonly path: string;
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  readonly metadata: Readonly<Record<string, string>> | null;
  /** The tensor's elements as float32 (F32, F16 and BF16 decode exactly); other dtypes throw. */
  readFloat32(name: string): Float32Array;
  /** The tensor's raw little-endian bytes (any dtype). */
  readBytes(name: string): Uint8Array;
  close(): void;
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Reads exactly `length` bytes at `position` into a fresh, aligned buffer. */
function readAt(fd: number, length: number, position: number, what: string): Uint8Array {
  const out = new Uint8Array(new ArrayBuffer(length));
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, done, Math.min(length - done, 1 << 30), position + done);
    if (n === 0) throw new Error(`${what}: file ended after ${done} of ${length} bytes`);
    done += n;
  }
  return out;
}

/** Parses and validates a header (JSON value already decoded) against the data buffer size. */
function parseEntries(header: unknown, file: string, dataStart: number, dataLength: number): {
  entries: Map<string, SafetensorsEntry>; metadata: Record<string, string> | null;
} {
  if (!header || typeof header !== 'object' || Array.isArray(header)) {
    throw new Error(`${file}: safetensors header is not a JSON object`);
  }
  const entries = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> | null = null;
  for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!v || typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
        throw new Error(`${file}: __metadata__ must be an object of string values`);
      }
      metadata = v as Record<string, string>;
      continue;
    }
    const where = `${file}: tensor '${name}'`;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${where}: header entry is not an object`);
    const { dtype, shape, data_offsets: offs } = v as Record<string, unknown>;
    if (typeof dtype !== 'string') throw new Error(`${where}: dtype is missing or not a string`);
    const size = DTYPE_BYTES[dtype];
    if (size === undefined) throw new Error(`${where}: unknown dtype '${dtype}' (known: ${Object.keys(DTYPE_BYTES).join(', ')})`);
    if (!Array.isArray(shape) || !shape.every(isNonNegInt)) throw new Error(`${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isNonNegInt) || offs[0] > offs[1]) {
      throw new Error(`${where}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offs)}`);
    }
    const [b, e] = offs as [number, number];
    const numel = (shape as number[]).reduce((a, d) => a * d, 1);
    if (numel * size !== e - b) {
      throw new Error(`${where}: shape [${shape.join(', ')}] of ${dtype} needs ${numel * size} bytes but data_offsets span ${e - b}`);
    }
    if (e > dataLength) throw new Error(`${where}: data_offsets [${b}, ${e}] go beyond the data buffer (${dataLength} bytes; file truncated?)`);
    entries.set(name, { name, file, dtype, shape: (shape as number[]).slice(), begin: dataStart + b, end: dataStart + e });
  }
  const sorted = [...entries.values()].filter((x) => x.end > x.begin).sort((x, y) => x.begin - y.begin);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.begin < sorted[i - 1]!.end) {
      throw new Error(`${file}: tensor '${sorted[i]!.name}' overlaps tensor '${sorted[i - 1]!.name}' (data_offsets overlap)`);
    }
  }
  return { entries, metadata };
}

/** Opens a safetensors file and validates its header; the caller must close() it. */
export function openSafetensors(path: string): SafetensorsReader {
  if (endianness() !== 'LE') throw new Error('safetensors reading needs a little-endian host');
  if (/\.(bin|pt|pth|ckpt|pkl)$/i.test(path)) {
    throw new Error(`${path}: PyTorch pickle checkpoints are refused (never unpickled or executed); convert it to safetensors first (e.g. with transformers: model.save_pretrained(dir, safe_serialization=True))`);
  }
  const fd = openSync(path, 'r');
  try {
    const fileSize = fstatSync(fd).size;
    if (fileSize < 8) throw new Error(`${path}: truncated safetensors file (${fileSize} bytes; it must start with an 8-byte header length)`);
    const lenBytes = readAt(fd, 8, 0, path);
    const n = new DataView(lenBytes.buffer).getBigUint64(0, true);
    if (n > BigInt(MAX_HEADER_BYTES)) throw new Error(`${path}: safetensors header of ${n} bytes exceeds the ${MAX_HEADER_BYTES}-byte limit`);
    const headerLength = Number(n);
    if (8 + headerLength > fileSize) throw new Error(`${path}: header length ${headerLength} goes beyond the file size (${fileSize} bytes; truncated or not safetensors)`);
    let header: unknown;
    try {
      header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(readAt(fd, headerLength, 8, path)));
    } catch (e) {
      throw new Error(`${path}: invalid safetensors header JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    const dataStart = 8 + headerLength;
    const { entries, metadata } = parseEntries(header, path, dataStart, fileSize - dataStart);
    let open = true;
    const entry = (name: string): SafetensorsEntry => {
      if (!open) throw new Error(`${path}: reader is closed`);
      const e = entries.get(name);
      if (!e) throw new Error(`${path}: no tensor '${name}'`);
      return e;
    };
    const readBytes = (name: string): Uint8Array => {
      const e = entry(name);
      return readAt(fd, e.end - e.begin, e.begin, `${path}: tensor '${name}'`);
    };
    return {
      path, entries, metadata, readBytes,
      readFloat32(name) {
        const e = entry(name);
        if (!isFloatDtype(e.dtype)) throw new Error(`${path}: tensor '${name}' has dtype ${e.dtype}; only F32, F16 and BF16 are read as floats`);
        const bytes = readBytes(name);
        if (e.dtype === 'F32') return new Float32Array(bytes.buffer, 0, bytes.length / 4);
        const halves = new Uint16Array(bytes.buffer, 0, bytes.length / 2);
        return e.dtype === 'F16' ? decodeF16(halves) : decodeBF16(halves);
      },
      close() { if (open) { open = false; closeSync(fd); } },
    };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
