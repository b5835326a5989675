/** Shared by the CLI commands: a model argument (hub id, folder or `mini`) -> model + its tokenizer. */
import { initBackend } from '../runtime/backend.ts';
import { loadModel, resolveModelDir } from '../model/load-model.ts';
import { loadTokenizer } from '../tokenizer/load-tokenizer.ts';
import type { LanguageModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';

export async function openTokenizer(idOrDir: string, revision?: string): Promise<{ tokenizer: Tokenizer; dir: string }> {
  const dir = await resolveModelDir(idOrDir, revision);
  return { tokenizer: loadTokenizer(dir), dir };
}

export async function openModel(idOrDir: string, revision?: string): Promise<{ model: LanguageModel; tokenizer: Tokenizer; dir: string }> {
  await initBackend();
  const { tokenizer, dir } = await openTokenizer(idOrDir, revision);
  const model = await loadModel(dir);
  return { model, tokenizer, dir };
}

/** Fixed-width text table: the human-readable output of the CLI commands. */
export function textTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: readonly string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
