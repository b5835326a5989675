/**
 * What a study step's result depends on besides its own config: the identity of every input it
 * reads. Step keys hash the resolved config (defaults filled in) together with this manifest, so a
 * change to any input (a data file, the mini data version, a task version, the harness version, a
 * formatter version, the model folder, the recovery corpus) gives a new key and the step
 * recomputes instead of returning a result computed on older inputs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sha256 } from '../runtime/files.ts';
import { expandTasks } from '../eval/tasks/index.ts';
import { HARNESS_VERSION } from '../eval/types.ts';
import { formatterVersions } from '../data/formatters.ts';
import { loadCorpus, corpusSplitDefaults, type CorpusName } from '../data/corpora.ts';

const fileMemo = new Map<string, string>();

/**
 * sha256 of a file's bytes, memoised per path, size and mtime so each file is read once per run.
 * File times are coarse (a few ms), so a file modified within the last 2 s could change again
 * under the same stamp: such a file is hashed every time (git's "racily clean" rule).
 */
export function fileHash(path: string): string {
  const st = statSync(path);
  const stamp = `${path}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  const hit = fileMemo.get(stamp);
  if (hit) return hit;
  const h = sha256(readFileSync(path));
  if (Date.now() - Math.max(st.mtimeMs, st.ctimeMs) > 2000) fileMemo.set(stamp, h);
  return h;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else if (statSync(p).isFile()) out.push(p);   // follows links (hub-layout data folders link blobs)
  }
  return out;
}

/**
 * Identity of a folder: sha256 over every file's relative path and content hash, sorted. The
 * mini data folder's MANIFEST.json (its data version and generator config) is one of those files.
 */
export function folderHash(dir: string): string {
  const files = listFiles(dir).map((p) => relative(dir, p)).sort();
  return sha256(files.map((f) => `${f}:${fileHash(join(dir, f))}`).join('\n')).slice(0, 16);
}


/** Evaluation inputs: the data folder, each task and group as name@version, the harness version. */
export function evalInputs(dataDir: string, tasks: readonly string[]): Record<string, unknown> {
  const { tasks: leaves, groups } = expandTasks(tasks);
  return {
    data: folderHash(dataDir),
    tasks: leaves.map((t) => `${t.name}@${t.version}`),
    groups: groups.map((g) => `${g.name}@${g.version}`),
    harness: HARNESS_VERSION,
  };
}

/** Fine-tuning inputs: the data folder and the formatter versions. */
export function finetuneInputs(dataDir: string): Record<string, unknown> {
  return { data: folderHash(dataDir), formatters: formatterVersions };
}

/** Identity of embedded corpora as the recovery step reads them (document ids and text per split). */
export function corpusHash(corpora: readonly CorpusName[]): string {
  const parts: string[] = [JSON.stringify(corpusSplitDefaults)];
  for (const split of ['train', 'validation'] as const) {
    for (const d of loadCorpus(split, { corpora })) parts.push(`${split}:${d.id}:${sha256(d.text)}`);
  }
  return sha256(parts.join('\n')).slice(0, 16);
}
