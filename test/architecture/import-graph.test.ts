/**
 * The library's folders form layers (docs/architecture.md states the same order): a folder imports
 * only from itself and from folders of LOWER layers, so there is no cycle between folders, data/
 * imports nothing from eval/ (the mini benchmark factory, which needs both, sits above them in
 * mini/), and no lower layer imports experiments/; in particular the pruning core (prune/) imports no
 * study driver and writes no result table (those live in experiments/). The environment is read only
 * in runtime/ and the CLI entry. Imports are read from the source text with comments removed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const lib = join(root, 'kernel-lib');

/** Layer of each top-level folder of kernel-lib/ (files directly in kernel-lib/ are 'entry'). */
export const LAYERS: Readonly<Record<string, number>> = {
  runtime: 0,
  hub: 1, report: 1,
  model: 2,
  tokenizer: 2.5,               // reads GGUF vocabularies through model/gguf/
  data: 3,
  engine: 3.5,                  // ONNX Runtime forward passes (eval/ and generate/ choose it per call)
  eval: 4, train: 4, generate: 4,
  stats: 4.5,                   // uncertainty of results (uses eval's metric definitions)
  mini: 5, prune: 5,
  experiments: 6, notebook: 6,
  cli: 7,
  entry: 8,                     // kernel-lib/index.ts (public API) and kernel-lib/cli.ts (CLI entry)
};

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const stripComments = (src: string): string => src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

function folderOf(file: string): string {
  const rel = relative(lib, file).split(sep);
  return rel.length === 1 ? 'entry' : rel[0]!;
}

function imports(file: string): string[] {
  const src = stripComments(readFileSync(file, 'utf8'));
  const out: string[] = [];
  for (const m of src.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)) out.push(normalize(join(dirname(file), m[1]!)));
  return out;
}

test('every kernel-lib folder has a layer', () => {
  const folders = readdirSync(lib).filter((n) => statSync(join(lib, n)).isDirectory());
  for (const f of folders) assert.ok(f in LAYERS, `kernel-lib/${f}/ has no layer in LAYERS (add it here and in docs/architecture.md)`);
});

test('folders import only from their own or lower layers', () => {
  const bad: string[] = [];
  for (const file of tsFiles(lib)) {
    const from = folderOf(file);
    for (const target of imports(file)) {
      if (!target.startsWith(lib + sep)) continue;
      const to = folderOf(target);
      if (to === from) continue;
      if (!(LAYERS[to]! < LAYERS[from]!)) bad.push(`${relative(root, file)} (${from}, layer ${LAYERS[from]}) imports ${relative(root, target)} (${to}, layer ${LAYERS[to]})`);
    }
  }
  assert.deepEqual(bad, []);
});

test('data/ imports nothing from eval/ and nothing below experiments/ imports it', () => {
  for (const file of tsFiles(lib)) {
    const from = folderOf(file);
    for (const target of imports(file)) {
      const to = target.startsWith(lib + sep) ? folderOf(target) : '';
      if (from === 'data') assert.notEqual(to, 'eval', `${relative(root, file)} imports ${relative(root, target)}`);
      if (to === 'experiments') assert.ok(LAYERS[from]! > LAYERS.experiments! || from === 'experiments', `${relative(root, file)} imports experiments/`);
    }
  }
});

test('the environment is read only in runtime/ and the CLI entry', () => {
  const allowed = (file: string) => file.startsWith(join(lib, 'runtime') + sep) || file === join(lib, 'cli.ts') || file === join(root, 'scripts', 'test.mjs');
  const files = [...tsFiles(lib), ...tsFiles(join(root, 'scripts')), ...tsFiles(join(root, 'bench'))];
  const bad = files.filter((f) => !allowed(f) && /\bprocess\.env\b/.test(stripComments(readFileSync(f, 'utf8')))).map((f) => relative(root, f));
  assert.deepEqual(bad, []);
});

test('the pruning core imports no study driver: prune/ imports nothing from experiments/ and writes no result table', () => {
  const prune = join(lib, 'prune') + sep;
  const bad: string[] = [];
  for (const file of tsFiles(lib).filter((f) => f.startsWith(prune))) {
    for (const target of imports(file)) {
      const to = target.startsWith(lib + sep) ? folderOf(target) : '';
      if (to === 'experiments' || to === 'cli' || to === 'entry') bad.push(`${relative(root, file)} imports ${relative(root, target)}`);
      if (target === join(lib, 'report', 'write-table.ts')) bad.push(`${relative(root, file)} writes result tables (a study driver: it belongs in experiments/)`);
    }
  }
  assert.deepEqual(bad, []);
});
