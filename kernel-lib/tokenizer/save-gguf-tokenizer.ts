/**
 * saveGgufTokenizer: the tokenizer of a GGUF model as a tensor-less GGUF file (`tokenizer.gguf`)
 * next to an exported model, so loadTokenizer(folder) reads the same sentencepiece vocabulary.
 * The `general.architecture` and `tokenizer.*` metadata entries are copied byte for byte; the file
 * is GGUF version 3 with 0 tensors, written atomically.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../runtime/files.ts';
import { readGguf } from '../model/gguf/read-gguf.ts';

export const GGUF_TOKENIZER_FILE = 'tokenizer.gguf';

/** Writes `dir/tokenizer.gguf` from the GGUF file `source`; returns its path. */
export function saveGgufTokenizer(source: string, dir: string): string {
  const g = readGguf(source);
  try {
    const entries = [...g.rawMetadata].filter(([k]) => k === 'general.architecture' || k.startsWith('tokenizer.')).map(([, b]) => b);
    if (!g.metadata.has('tokenizer.ggml.tokens')) throw new Error(`${source}: no tokenizer.ggml.tokens metadata: the file carries no tokenizer`);
    const head = Buffer.alloc(24);
    head.write('GGUF', 0, 'latin1');
    head.writeUInt32LE(3, 4);
    head.writeBigUInt64LE(0n, 8);                              // tensors
    head.writeBigUInt64LE(BigInt(entries.length), 16);         // metadata entries
    const out = join(dir, GGUF_TOKENIZER_FILE);
    writeFileAtomic(out, Buffer.concat([head, ...entries]));
    return out;
  } finally {
    g.close();
  }
}
