/**
 * Writer of the safetensors format (layout in safetensors.ts). Tensors are laid out in name order,
 * the header is space-padded to a multiple of 8 bytes (as the reference implementation does, so
 * the data buffer is aligned), and elements are streamed to a temp file one tensor at a time,
 * fsync'ed and renamed: a crash never leaves a half-written file under the final name.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { endianness } from 'node:os';
import { encodeF16 } from './safetensors-dtype.ts';

/** One tensor to write: float32 elements (or a function producing them when written), row-major. */
export interface TensorToWrite {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array | (() => Float32Array);
}

export interface WriteSafetensorsOptions {
  /** Element type stored: F32 (exact) or F16 (round to nearest even). */
  readonly dtype?: 'F32' | 'F16';
  /** `__metadata__` (string values), e.g. {format: 'pt'} as transformers writes. */
  readonly metadata?: Readonly<Record<string, string>>;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** Writes `tensors` as a safetensors file at `path`, atomically. */
export function writeSafetensors(path: string, tensors: readonly TensorToWrite[], opts: WriteSafetensorsOptions = {}): void {
  if (endianness() !== 'LE') throw new Error('safetensors writing needs a little-endian host');
  const dtype = opts.dtype ?? 'F32';
  if (dtype !== 'F32' && dtype !== 'F16') throw new Error(`writeSafetensors: dtype must be 'F32' or 'F16', got ${JSON.stringify(dtype)}`);
  const size = dtype === 'F32' ? 4 : 2;
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (opts.metadata) header.__metadata__ = { ...opts.metadata };
  let offset = 0;
  const seen = new Set<string>();
  for (const t of sorted) {
    if (t.name === '__metadata__' || seen.has(t.name)) throw new Error(`${path}: tensor name '${t.name}' is reserved or repeated`);
    seen.add(t.name);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Error(`${path}: tensor '${t.name}' has an invalid shape [${t.shape.join(', ')}]`);
    const bytes = t.shape.reduce((a, d) => a * d, 1) * size;
    header[t.name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(headerBytes.length));

  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeAll(fd, prefix);
    writeAll(fd, headerBytes);
    for (const t of sorted) {
      const data = typeof t.data === 'function' ? t.data() : t.data;
      const numel = t.shape.reduce((a, d) => a * d, 1);
      if (data.length !== numel) throw new Error(`${path}: tensor '${t.name}' has ${data.length} elements but shape [${t.shape.join(', ')}] needs ${numel}`);
      const out = dtype === 'F32' ? data : encodeF16(data);
      writeAll(fd, new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try { closeSync(fd); } catch { /* already closed */ }
    rmSync(tmp, { force: true });
    throw e;
  }
}
