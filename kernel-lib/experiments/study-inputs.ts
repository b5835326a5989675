/**
 * What every step of the study needs besides its config: the data folder of the profile and a way
 * to open a model with its tokenizer. Read once here so steps stay small.
 */
import { settings } from '../runtime/settings.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, resolveModelDir } from '../model/load-model.ts';
import { loadTokenizer } from '../tokenizer/load-tokenizer.ts';
import { generateMiniData } from '../mini/generate-mini-data.ts';
import { hubDataDir } from '../data/download-data.ts';
import { initBackend } from '../runtime/backend.ts';
import { sha256 } from '../runtime/files.ts';
import { fileHash } from './input-manifest.ts';
import type { LanguageModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import type { Profile } from './profiles.ts';
import { inPhase } from '../runtime/wall-profile.ts';

/** The folder holding the evaluation and fine-tuning files for a profile (generated for mini). */
export function studyDataDir(profile: Profile): string {
  if (profile.data.kind === 'mini') return generateMiniData({ seed: profile.data.seed });
  // Default: the folder `lab data download` fills (hub parquet files linked in the data-folder layout).
  const dir = profile.data.dir ?? settings().dataDir ?? hubDataDir();
  if (!existsSync(dir)) throw new Error(`profile '${profile.name}': data folder ${dir} does not exist: run \`lab data download\` (connected machine) or give --data-dir / LAB_DATA_DIR`);
  return dir;
}

export interface OpenedModel {
  readonly model: LanguageModel;
  readonly tokenizer: Tokenizer;
  readonly dir: string;
}

/**
 * Identity of a checkpoint folder for step keys: sha256 of its config.json and of the bytes of
 * model.safetensors (or, for a sharded checkpoint, of its index: hub snapshots are immutable per
 * commit). File hashes are memoised (input-manifest.ts fileHash), so the steps of one run hash
 * each checkpoint once.
 */
export function checkpointKey(dir: string): string {
  const files = ['config.json', 'model.safetensors', 'model.safetensors.index.json'].map((n) => join(dir, n)).filter((p) => existsSync(p));
  return sha256(files.map((p) => `${p.slice(dir.length)}:${fileHash(p)}`).join('\n')).slice(0, 16);
}

/** Opens a model id or folder with its tokenizer. */
export async function openStudyModel(idOrDir: string): Promise<OpenedModel> {
  await initBackend();
  const dir = await resolveModelDir(idOrDir);
  return inPhase('load', async () => ({ model: await loadModel(dir), tokenizer: loadTokenizer(dir), dir }));
}

