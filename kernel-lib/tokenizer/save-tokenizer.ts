/** Writes a tokenizer's files next to a saved model, so transformers' AutoTokenizer loads the folder. */
import { writeJsonAtomic } from '../runtime/files.ts';
import { join } from 'node:path';
import { readTokenizerFiles } from './load-tokenizer.ts';

/** Copies the tokenizer files of `source` ('gpt2' or a folder) into `dir` as tokenizer.json + tokenizer_config.json. */
export function saveTokenizer(source: string, dir: string): void {
  const files = readTokenizerFiles(source);
  if (!files) throw new Error(`${source}: no tokenizer files to save`);
  writeJsonAtomic(join(dir, 'tokenizer.json'), files.tokenizerJson);
  writeJsonAtomic(join(dir, 'tokenizer_config.json'), files.tokenizerConfig);
}
