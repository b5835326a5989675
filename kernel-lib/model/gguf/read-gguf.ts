/**
 * readGguf: a GGUF file's header (metadata key/values and tensor table) and its float tensors.
 *
 * Layout (little-endian, versions 2 and 3): "GGUF", u32 version, u64 tensor count, u64 metadata
 * count; metadata entries (string key, u32 value type, value); tensor infos (string name, u32 rank,
 * u64 dims with the fastest-varying first, u32 ggml type, u64 offset into the data section); the
 * data section starts at the next multiple of `general.alignment` (32). Strings are u64 length +
 * UTF-8 bytes; arrays are u32 element type + u64 count + elements.
 * Everything is checked at open (types, offsets, bounds), so a bad file is refused before any
 * tensor is read, naming the file and the tensor.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { decodeBF16, decodeF16 } from '../safetensors-dtype.ts';
import {
  GGML_FLOAT_TYPES, GGML_OTHER_TYPES, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_TYPE_ARRAY, GGUF_TYPE_STRING, GGUF_VALUE_TYPES,
} from './gguf-types.ts';

export type GgufValue = number | bigint | boolean | string | GgufValue[];

export interface GgufTensorInfo {
  readonly name: string;
  /** Row-major shape (GGUF dims reversed): a torch Linear weight [out, in] is stored with dims [in, out]. */
  readonly shape: readonly number[];
  readonly dtype: 'F32' | 'F16' | 'BF16';
  /** Absolute byte offset of the first element in the file, and the tensor's byte length. */
  readonly start: number;
  readonly bytes: number;
}

export interface GgufFile {
  readonly file: string;
  readonly version: number;
  readonly metadata: ReadonlyMap<string, GgufValue>;
  /** Each metadata entry's bytes as stored (key, value type, value), for copying entries verbatim. */
  readonly rawMetadata: ReadonlyMap<string, Buffer>;
  readonly tensors: ReadonlyMap<string, GgufTensorInfo>;
  /** The tensor's elements as float32 (F16 / BF16 widened exactly). */
  readFloat32(name: string): Float32Array;
  close(): void;
}

/** Thrown while parsing when the header needs bytes beyond what was read. */
class NeedMore extends Error {}

class Cursor {
  pos = 0;
  constructor(readonly buf: Buffer, readonly complete: boolean, readonly fileSize: number, readonly file: string) {}
  need(n: number, what: () => string): void {
    if (this.pos + n <= this.buf.length) return;
    if (!this.complete) throw new NeedMore();
    throw new Error(`${this.file}: truncated: ${what()} needs bytes ${this.pos}..${this.pos + n} but the file has ${this.fileSize} bytes`);
  }
  u32(what: () => string): number { this.need(4, what); const v = this.buf.readUInt32LE(this.pos); this.pos += 4; return v; }
  u64(what: () => string): number {
    this.need(8, what);
    const v = this.buf.readBigUInt64LE(this.pos); this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${this.file}: ${what()}: value ${v} is too large`);
    return Number(v);
  }
  str(what: () => string): string {
    const n = this.u64(what);
    this.need(n, what);
    const s = this.buf.toString('utf8', this.pos, this.pos + n); this.pos += n;
    return s;
  }
  scalar(type: number, what: () => string): GgufValue {
    if (type === GGUF_TYPE_STRING) return this.str(what);
    const t = GGUF_VALUE_TYPES.get(type);
    if (!t || type === GGUF_TYPE_ARRAY) throw new Error(`${this.file}: ${what()}: unknown metadata value type ${type}`);
    this.need(t.bytes, what);
    const b = this.buf, p = this.pos;
    this.pos += t.bytes;
    switch (t.name) {
      case 'UINT8': return b.readUInt8(p); case 'INT8': return b.readInt8(p);
      case 'UINT16': return b.readUInt16LE(p); case 'INT16': return b.readInt16LE(p);
      case 'UINT32': return b.readUInt32LE(p); case 'INT32': return b.readInt32LE(p);
      case 'FLOAT32': return b.readFloatLE(p); case 'BOOL': return b.readUInt8(p) !== 0;
      case 'FLOAT64': return b.readDoubleLE(p);
      case 'UINT64': { const v = b.readBigUInt64LE(p); return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v; }
      default: { const v = b.readBigInt64LE(p); return v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v; }
    }
  }
  value(type: number, what: () => string): GgufValue {
    if (type !== GGUF_TYPE_ARRAY) return this.scalar(type, what);
    const et = this.u32(what);
    const n = this.u64(what);
    if (et === GGUF_TYPE_ARRAY) throw new Error(`${this.file}: ${what()}: nested arrays are not supported`);
    const out: GgufValue[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.scalar(et, what);
    return out;
  }
}

interface Header { version: number; metadata: Map<string, GgufValue>; rawMetadata: Map<string, Buffer>; tensors: Map<string, GgufTensorInfo> }

function parseHeader(c: Cursor): Header {
  const file = c.file;
  c.need(4, () => 'the magic');
  const magic = c.buf.toString('latin1', 0, 4);
  if (magic !== GGUF_MAGIC) throw new Error(`${file}: not a GGUF file (first bytes ${JSON.stringify(magic)}, expected "GGUF")`);
  c.pos = 4;
  const version = c.u32(() => 'the version');
  if (version !== 2 && version !== 3) throw new Error(`${file}: GGUF version ${version} is not supported (expected 2 or 3)`);
  const nTensors = c.u64(() => 'the tensor count');
  const nKv = c.u64(() => 'the metadata count');
  const metadata = new Map<string, GgufValue>(), rawMetadata = new Map<string, Buffer>();
  for (let i = 0; i < nKv; i++) {
    const at = c.pos;
    const key = c.str(() => `metadata entry ${i}'s key`);
    const type = c.u32(() => `metadata '${key}'`);
    metadata.set(key, c.value(type, () => `metadata '${key}'`));
    rawMetadata.set(key, Buffer.from(c.buf.subarray(at, c.pos)));
  }
  const align = metadata.get('general.alignment') ?? GGUF_DEFAULT_ALIGNMENT;
  if (typeof align !== 'number' || !Number.isInteger(align) || align <= 0) throw new Error(`${file}: general.alignment must be a positive integer, got ${String(align)}`);
  const raw: { name: string; dims: number[]; type: number; offset: number }[] = [];
  for (let i = 0; i < nTensors; i++) {
    const name = c.str(() => `tensor info ${i}'s name`);
    const what = () => `tensor '${name}' (info ${i})`;
    const rank = c.u32(what);
    if (rank > 8) throw new Error(`${file}: tensor '${name}' has ${rank} dimensions (at most 4 in ggml)`);
    const dims: number[] = [];
    for (let d = 0; d < rank; d++) dims.push(c.u64(what));
    raw.push({ name, dims, type: c.u32(what), offset: c.u64(what) });
  }
  const dataStart = Math.ceil(c.pos / align) * align;
  const tensors = new Map<string, GgufTensorInfo>();
  for (const t of raw) {
    if (tensors.has(t.name)) throw new Error(`${file}: tensor '${t.name}' appears twice`);
    const ft = GGML_FLOAT_TYPES.get(t.type);
    if (!ft) {
      const other = GGML_OTHER_TYPES.get(t.type);
      if (other) throw new Error(`${file}: tensor '${t.name}' has type ${other} (code ${t.type}); only F32, F16 and BF16 tensors are supported (quantized GGUF files are refused: convert to f32 or f16)`);
      throw new Error(`${file}: tensor '${t.name}' has unknown ggml type code ${t.type}`);
    }
    if (t.offset % align !== 0) throw new Error(`${file}: tensor '${t.name}' offset ${t.offset} is not a multiple of the alignment ${align}`);
    const count = t.dims.reduce((a, d) => a * d, 1);
    const start = dataStart + t.offset, bytes = count * ft.bytes;
    if (start + bytes > c.fileSize) {
      throw new Error(`${file}: tensor '${t.name}' (${ft.name} [${[...t.dims].reverse()}]) spans bytes ${start}..${start + bytes}, past the end of the file (${c.fileSize} bytes): truncated or bad offset`);
    }
    tensors.set(t.name, { name: t.name, shape: [...t.dims].reverse(), dtype: ft.name, start, bytes });
  }
  return { version, metadata, rawMetadata, tensors };
}

/** Opens and checks a GGUF file (header only; tensors are read on demand). Errors name the file and tensor. */
export function readGguf(file: string): GgufFile {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    let header: Header | null = null;
    for (let window = Math.min(size, 1 << 22); header === null; window = Math.min(size, window * 4)) {
      const buf = Buffer.alloc(window);
      readSync(fd, buf, 0, window, 0);
      try { header = parseHeader(new Cursor(buf, window === size, size, file)); } catch (e) { if (!(e instanceof NeedMore)) throw e; }
    }
    const h = header;
    return {
      file, version: h.version, metadata: h.metadata, rawMetadata: h.rawMetadata, tensors: h.tensors,
      readFloat32(name: string): Float32Array {
        const t = h.tensors.get(name);
        if (!t) throw new Error(`${file}: no tensor '${name}'`);
        const buf = Buffer.alloc(t.bytes);
        const got = readSync(fd, buf, 0, t.bytes, t.start);
        if (got !== t.bytes) throw new Error(`${file}: tensor '${name}': read ${got} of ${t.bytes} bytes (file changed?)`);
        const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
        if (t.dtype === 'F32') return new Float32Array(ab);
        return t.dtype === 'F16' ? decodeF16(new Uint16Array(ab)) : decodeBF16(new Uint16Array(ab));
      },
      close: () => closeSync(fd),
    };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
