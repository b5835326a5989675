/**
 * On-disk token cache: the tokenized records of one (tokenizer, source, split, formatter version)
 * under labCacheDir()/tokens/<key>.tok, so re-running a fine-tune does not re-tokenize.
 *
 * File layout (little endian): magic `LABTOK1\n`; per record: u32 n, n x i32 ids, n x u8 mask;
 * trailer: u32 0xFFFFFFFF, u32 record count, magic `LABTOKE\n`. Written to a temp file and
 * renamed (atomic); a file without its trailer or with a wrong count is reported as corrupt
 * and rebuilt.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Tokenizer } from '../tokenizer/types.ts';
import { hashKey, labCacheDir } from '../runtime/files.ts';
import { tokenizeRecord, type PackRecord, type TokenizedRecord } from './packing.ts';

const MAGIC = Buffer.from('LABTOK1\n');
const END = Buffer.from('LABTOKE\n');
const TRAILER_MARK = 0xffffffff;

/** What identifies a cached token stream besides the tokenizer. */
export interface TokenCacheKey {
  /** Source and split, e.g. `siqa/train` or `mini:piqa/train`. */
  readonly source: string;
  /** Bumped whenever the formatter's output changes. */
  readonly formatterVersion: number;
  /** Anything else that changes the records (data dir fingerprint, subset size, seed, ...). */
  readonly extra?: unknown;
}

/** Path of the cache file for a tokenizer + key. */
export function tokenCachePath(tokenizer: Tokenizer, key: TokenCacheKey, dir = join(labCacheDir(), 'tokens')): string {
  const h = hashKey({ tokenizer: tokenizer.fingerprint, source: key.source, formatterVersion: key.formatterVersion, extra: key.extra ?? null });
  return join(dir, `${key.source.replace(/[^A-Za-z0-9_.-]+/g, '_')}-${h}.tok`);
}

/** Checks the trailer; returns the record count or throws naming the file. */
function checkTokenFile(path: string): number {
  const size = statSync(path).size;
  if (size < MAGIC.length + 16) throw new Error(`token cache ${path}: truncated (${size} bytes)`);
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(MAGIC.length);
    readSync(fd, head, 0, head.length, 0);
    const tail = Buffer.alloc(16);
    readSync(fd, tail, 0, 16, size - 16);
    if (!head.equals(MAGIC) || tail.readUInt32LE(0) !== TRAILER_MARK || !tail.subarray(8).equals(END)) {
      throw new Error(`token cache ${path}: corrupt (bad header or trailer)`);
    }
    return tail.readUInt32LE(4);
  } finally { closeSync(fd); }
}

/** Reads the records of a valid cache file one at a time. */
export function* readTokenFile(path: string): Generator<TokenizedRecord> {
  const count = checkTokenFile(path);
  const fd = openSync(path, 'r');
  try {
    let pos = MAGIC.length;
    const lenBuf = Buffer.alloc(4);
    for (let r = 0; r < count; r++) {
      if (readSync(fd, lenBuf, 0, 4, pos) !== 4) throw new Error(`token cache ${path}: record ${r}: truncated`);
      const n = lenBuf.readUInt32LE(0);
      if (n === TRAILER_MARK) throw new Error(`token cache ${path}: record ${r}: trailer before ${count} records`);
      const body = Buffer.alloc(n * 5);
      if (readSync(fd, body, 0, body.length, pos + 4) !== body.length) throw new Error(`token cache ${path}: record ${r}: truncated`);
      const ids = new Int32Array(n);
      for (let i = 0; i < n; i++) ids[i] = body.readInt32LE(i * 4);
      yield { ids, mask: new Uint8Array(body.subarray(n * 4, n * 5)) };
      pos += 4 + n * 5;
    }
  } finally { closeSync(fd); }
}

/** Tokenizes a record stream into a cache file (temp file + fsync + rename); returns the record count. */
export async function writeTokenFile(
  path: string, records: Iterable<PackRecord> | AsyncIterable<PackRecord>, tokenizer: Tokenizer, maskEos = true,
): Promise<number> {
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(tmp, 'w');
  let count = 0;
  try {
    writeSync(fd, MAGIC);
    for await (const rec of records) {
      const t = tokenizeRecord(rec, tokenizer, maskEos);
      const buf = Buffer.alloc(4 + t.ids.length * 5);
      buf.writeUInt32LE(t.ids.length, 0);
      Buffer.from(t.ids.buffer, t.ids.byteOffset, t.ids.byteLength).copy(buf, 4); // LE hosts only
      Buffer.from(t.mask.buffer, t.mask.byteOffset, t.mask.byteLength).copy(buf, 4 + t.ids.length * 4);
      writeSync(fd, buf);
      count++;
    }
    const tail = Buffer.alloc(16);
    tail.writeUInt32LE(TRAILER_MARK, 0);
    tail.writeUInt32LE(count, 4);
    END.copy(tail, 8);
    writeSync(fd, tail);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
    return count;
  } catch (e) {
    try { closeSync(fd); } catch { /* already closed */ }
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * The tokenized records of a source, from the cache when a valid file exists, otherwise
 * tokenized from `records()` and cached first. A corrupt file is rebuilt (with a warning).
 */
export async function cachedTokens(
  tokenizer: Tokenizer, key: TokenCacheKey, records: () => Iterable<PackRecord> | AsyncIterable<PackRecord>,
  options: { readonly dir?: string; readonly maskEos?: boolean } = {},
): Promise<{ path: string; records: () => Generator<TokenizedRecord> }> {
  const path = tokenCachePath(tokenizer, key, options.dir);
  let ok = false;
  if (existsSync(path)) {
    try { checkTokenFile(path); ok = true; } catch (e) {
      console.warn(`${(e as Error).message}; rebuilding`);
    }
  }
  if (!ok) await writeTokenFile(path, records(), tokenizer, options.maskEos ?? true);
  return { path, records: () => readTokenFile(path) };
}
