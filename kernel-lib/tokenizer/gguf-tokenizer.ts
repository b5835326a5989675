/**
 * The tokenizer stored in a GGUF file's metadata (tokenizer.ggml.model "llama": a sentencepiece
 * BPE vocabulary): tokenizer.ggml.tokens (pieces), .scores, .token_type, .bos_token_id,
 * .eos_token_id, .padding_token_id, .unknown_token_id (0xFFFFFFFF = none) and .add_space_prefix
 * (true when absent). Errors name the file and the key.
 */
import { readGguf, type GgufFile } from '../model/gguf/read-gguf.ts';
import { createSpmTokenizer } from './spm-tokenizer.ts';
import type { Tokenizer } from './types.ts';

function array<T>(g: GgufFile, key: string, ok: (x: unknown) => x is T, what: string): T[] {
  const v = g.metadata.get(key);
  if (!Array.isArray(v)) throw new Error(`${g.file}: metadata '${key}' is missing or not an array (needed for the tokenizer)`);
  v.forEach((x, i) => { if (!ok(x)) throw new Error(`${g.file}: metadata '${key}'[${i}] must be ${what}, got ${JSON.stringify(String(x))}`); });
  return v as T[];
}

function id(g: GgufFile, key: string, fallback: number | null, n: number): number | null {
  const v = g.metadata.get(key);
  if (v === undefined || v === 0xffffffff || v === -1) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= n) throw new Error(`${g.file}: metadata '${key}' = ${String(v)} is not a token id of the ${n}-token vocabulary`);
  return v;
}

/** The tokenizer of an open GGUF file. */
export function ggufTokenizer(g: GgufFile): Tokenizer {
  const model = g.metadata.get('tokenizer.ggml.model');
  if (model !== 'llama') throw new Error(`${g.file}: tokenizer.ggml.model is ${JSON.stringify(model ?? null)}; only "llama" (sentencepiece BPE) is supported`);
  const pieces = array(g, 'tokenizer.ggml.tokens', (x): x is string => typeof x === 'string', 'a string');
  const scores = array(g, 'tokenizer.ggml.scores', (x): x is number => typeof x === 'number', 'a number');
  const types = g.metadata.has('tokenizer.ggml.token_type')
    ? array(g, 'tokenizer.ggml.token_type', (x): x is number => typeof x === 'number' && Number.isInteger(x), 'an integer')
    : pieces.map(() => 1);
  const n = pieces.length;
  const eos = id(g, 'tokenizer.ggml.eos_token_id', null, n);
  if (eos === null) throw new Error(`${g.file}: metadata 'tokenizer.ggml.eos_token_id' is missing`);
  const prefix = g.metadata.get('tokenizer.ggml.add_space_prefix') ?? true;
  if (typeof prefix !== 'boolean') throw new Error(`${g.file}: metadata 'tokenizer.ggml.add_space_prefix' must be a boolean`);
  // llama.cpp's default for a sentencepiece ('llama') vocabulary without the key is to add BOS, as llama2.c's run.c does.
  const addBos = g.metadata.get('tokenizer.ggml.add_bos_token') ?? true;
  if (typeof addBos !== 'boolean') throw new Error(`${g.file}: metadata 'tokenizer.ggml.add_bos_token' must be a boolean`);
  const tokenizer = createSpmTokenizer({
    source: g.file, pieces, scores, types,
    bosTokenId: id(g, 'tokenizer.ggml.bos_token_id', null, n), eosTokenId: eos,
    padTokenId: id(g, 'tokenizer.ggml.padding_token_id', null, n), unkTokenId: id(g, 'tokenizer.ggml.unknown_token_id', null, n),
    addSpacePrefix: prefix,
  });
  return { ...tokenizer, addBosToken: addBos };
}

/** Reads the tokenizer of the GGUF file at `file`. */
export function loadGgufTokenizer(file: string): Tokenizer {
  const g = readGguf(file);
  try { return ggufTokenizer(g); } finally { g.close(); }
}
