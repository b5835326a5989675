/**
 * What every step of the study needs besides its config: the data folder of the profile and a way
 * to open a model with its tokenizer. Read once here so steps stay small.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, resolveModelDir } from '../model/load-model.ts';
import { loadTokenizer } from '../tokenizer/load-tokenizer.ts';
import { generateMiniData } from '../data/mini/generate-mini-data.ts';
import { hubDataDir } from '../data/download-data.ts';
import { initBackend } from '../runtime/backend.ts';
import { sha256 } from '../runtime/files.ts';
import { readFileSync, statSync } from 'node:fs';
import type { LanguageModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import type { Profile } from './profiles.ts';

/** The folder holding the evaluation and fine-tuning files for a profile (generated for mini). */
export function studyDataDir(profile: Profile): string {
  if (profile.data.kind === 'mini') return generateMiniData({ seed: profile.data.seed });
  // Default: the folder `lab data download` fills (hub parquet files linked in the data-folder layout).
  const dir = profile.data.dir ?? process.env.LAB_DATA_DIR ?? hubDataDir();
  if (!existsSync(dir)) throw new Error(`profile '${profile.name}': data folder ${dir} does not exist: run \`lab data download\` (connected machine) or give --data-dir / LAB_DATA_DIR`);
  return dir;
}

export interface OpenedModel {
  readonly model: LanguageModel;
  readonly tokenizer: Tokenizer;
  readonly dir: string;
  /** Identity of the checkpoint files (config + weights bytes), for step keys. */
  readonly checkpointKey: string;
}

/** Hash of a checkpoint folder's config.json and the sizes + first/last MiB of its weight files. */
export function checkpointKey(dir: string): string {
  const parts: string[] = [readFileSync(join(dir, 'config.json'), 'utf8')];
  for (const name of ['model.safetensors', 'model.safetensors.index.json']) {
    const p = join(dir, name);
    if (!existsSync(p)) continue;
    const buf = readFileSync(p);
    parts.push(`${name}:${statSync(p).size}:${sha256(buf)}`);
  }
  return sha256(parts.join('\n')).slice(0, 16);
}

/** Opens a model id or folder with its tokenizer. */
export async function openStudyModel(idOrDir: string): Promise<OpenedModel> {
  await initBackend();
  const dir = await resolveModelDir(idOrDir);
  return { model: await loadModel(dir), tokenizer: loadTokenizer(dir), dir, checkpointKey: checkpointKey(dir) };
}

export function disposeModel(m: LanguageModel): void {
  for (const v of m.params.values()) v.dispose();
}
