/**
 * A small GGUF writer for tests, written from the format's specification (independent of the
 * library's reader): little-endian "GGUF", u32 version 3, u64 tensor count, u64 metadata count,
 * metadata (u64-length string key, u32 value type, value), tensor infos (string name, u32 rank,
 * u64 dims fastest-varying first, u32 ggml type, u64 offset from the data start), padding to the
 * alignment (32), then the tensor bytes, each starting at a multiple of the alignment.
 */
export type GgufMeta =
  | { key: string; type: 'u32'; value: number } | { key: string; type: 'i32'; value: number }
  | { key: string; type: 'f32'; value: number } | { key: string; type: 'bool'; value: boolean }
  | { key: string; type: 'str'; value: string }
  | { key: string; type: 'str[]'; value: string[] } | { key: string; type: 'f32[]'; value: number[] }
  | { key: string; type: 'i32[]'; value: number[] };

export interface GgufTensorSpec {
  name: string;
  /** Row-major shape (written reversed, as ggml's ne). */
  shape: number[];
  /** ggml type code: 0 F32, 1 F16, 2 Q4_0, ... */
  type: number;
  /** The raw element bytes. */
  bytes: Uint8Array;
  /** Override of the offset written in the tensor info (default: where the bytes are placed). */
  offset?: number;
}

const ALIGN = 32;

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8'), len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(b.length));
  return Buffer.concat([len, b]);
}
const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
const i32 = (v: number) => { const b = Buffer.alloc(4); b.writeInt32LE(v); return b; };
const u64 = (v: number) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); return b; };
const f32 = (v: number) => { const b = Buffer.alloc(4); b.writeFloatLE(v); return b; };

function metaValue(m: GgufMeta): Buffer {
  switch (m.type) {
    case 'u32': return Buffer.concat([u32(4), u32(m.value)]);
    case 'i32': return Buffer.concat([u32(5), i32(m.value)]);
    case 'f32': return Buffer.concat([u32(6), f32(m.value)]);
    case 'bool': return Buffer.concat([u32(7), Buffer.from([m.value ? 1 : 0])]);
    case 'str': return Buffer.concat([u32(8), str(m.value)]);
    case 'str[]': return Buffer.concat([u32(9), u32(8), u64(m.value.length), ...m.value.map(str)]);
    case 'f32[]': return Buffer.concat([u32(9), u32(6), u64(m.value.length), ...m.value.map(f32)]);
    case 'i32[]': return Buffer.concat([u32(9), u32(5), u64(m.value.length), ...m.value.map(i32)]);
  }
}

/** The bytes of a GGUF v3 file with these metadata entries and tensors. */
export function ggufBytes(meta: GgufMeta[], tensors: GgufTensorSpec[]): Buffer {
  const parts: Buffer[] = [Buffer.from('GGUF', 'latin1'), u32(3), u64(tensors.length), u64(meta.length)];
  for (const m of meta) parts.push(str(m.key), metaValue(m));
  let off = 0;
  const placed: number[] = [];
  for (const t of tensors) {
    placed.push(off);
    parts.push(str(t.name), u32(t.shape.length), ...[...t.shape].reverse().map(u64), u32(t.type), u64(t.offset ?? off));
    off += Math.ceil(t.bytes.length / ALIGN) * ALIGN;
  }
  const head = Buffer.concat(parts);
  const dataStart = Math.ceil(head.length / ALIGN) * ALIGN;
  const out = Buffer.alloc(dataStart + off);
  head.copy(out, 0);
  tensors.forEach((t, i) => Buffer.from(t.bytes).copy(out, dataStart + placed[i]!));
  return out;
}

/** float32 elements as F32 bytes. */
export function f32Bytes(data: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Float32Array.from(data).buffer);
}

/**
 * llama.cpp's converter permutation of a Hugging Face q/k weight [heads*D, C] (rotate-half pairs)
 * into interleaved pairs: reshape(heads, 2, D/2, C).swapaxes(1, 2): the file's row h*D + 2i + j
 * is HF row h*D + j*D/2 + i.
 */
export function permuteToGguf(w: Float32Array, heads: number, cols: number): Float32Array {
  const D = w.length / cols / heads, out = new Float32Array(w.length);
  for (let h = 0; h < heads; h++) for (let j = 0; j < 2; j++) for (let i = 0; i < D / 2; i++) {
    const from = (h * D + j * (D / 2) + i) * cols, to = (h * D + 2 * i + j) * cols;
    out.set(w.subarray(from, from + cols), to);
  }
  return out;
}
