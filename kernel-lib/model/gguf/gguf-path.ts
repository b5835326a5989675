/** Where a GGUF source lives: a `.gguf` file path, or a folder holding exactly one `.gguf` file. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The `.gguf` file `path` names (the path itself, or the single one in a folder); null if none. */
export function ggufFileOf(path: string): string | null {
  if (!existsSync(path)) return null;
  if (!statSync(path).isDirectory()) return /\.gguf$/i.test(path) ? path : null;
  const found = readdirSync(path).filter((f) => /\.gguf$/i.test(f));
  if (found.length > 1) throw new Error(`${path}: holds several GGUF files (${found.join(', ')}); give the file path`);
  return found.length === 1 ? join(path, found[0]!) : null;
}
