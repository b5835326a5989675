/**
 * How a tslab notebook imports kernel-lib. tslab type-checks cells with its own TypeScript 5.0
 * (Node10 resolution, rootDir = the notebook's folder), so it cannot import kernel-lib's `.ts`
 * sources (`.ts` specifiers, files outside rootDir). This builds `build/notebook-lib/`:
 *   - types/   declarations of kernel-lib (tsc --emitDeclarationOnly; `./x.ts` specifiers
 *              rewritten to `./x.js` so Node10 resolution finds `./x.d.ts`);
 *   - index.js a CommonJS shim that registers tsx's require hook and re-exports
 *              `kernel-lib/index.ts`, so the kernel runs the live sources (no stale bundle);
 *   - package.json  `{type: commonjs, main, types}`.
 * A notebook in notebooks/ then writes `import * as lab from '../build/notebook-lib';`.
 * Rebuilt (incrementally) only when a kernel-lib .ts file is newer than the last build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { projectRoot, writeFileAtomic } from '../../kernel-lib/runtime/files.ts';

/** Where the notebook import shim lives (build/ is git-ignored). */
export const notebookLibDir: string = join(projectRoot, 'build', 'notebook-lib');

function newestMtime(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) t = Math.max(t, newestMtime(p));
    else if (name.endsWith('.ts')) t = Math.max(t, s.mtimeMs);
  }
  return t;
}

function listDts(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listDts(p) : name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Rewrites relative `.ts` module specifiers in declaration text to `.js` (Node10 then finds the .d.ts). */
export function rewriteTsSpecifiers(text: string): string {
  return text.replace(/(['"])(\.{1,2}\/[^'"\n]*?)\.ts\1/g, '$1$2.js$1');
}

/**
 * Builds (or refreshes) build/notebook-lib; returns its folder. Declaration emit errors
 * from tsc (type errors in kernel-lib) are reported in the thrown Error only if no
 * declarations were produced at all, since tsc still emits them.
 */
export function buildNotebookLib(opts: { readonly force?: boolean } = {}): string {
  const dir = notebookLibDir;
  const stamp = join(dir, '.built');
  const src = join(projectRoot, 'kernel-lib');
  const newest = () => Math.max(newestMtime(src), statSync(join(projectRoot, 'tsconfig.json')).mtimeMs);
  const fresh = () => !opts.force && existsSync(stamp) && existsSync(join(dir, 'types', 'index.d.ts'))
    && statSync(stamp).mtimeMs >= newest();
  if (fresh()) return dir;
  return withLock(join(projectRoot, 'build', '.notebook-lib.lock'), () => (fresh() ? dir : build(dir, src, stamp)));
}

/** Runs `fn` holding a mkdir lock (concurrent test files may build at once); a lock older than 5 min is stale. */
function withLock<T>(lock: string, fn: () => T): T {
  mkdirSync(dirname(lock), { recursive: true });
  const until = Date.now() + 300_000;
  for (;;) {
    try { mkdirSync(lock); break; } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 300_000) { rmSync(lock, { recursive: true, force: true }); continue; }
      if (Date.now() > until) throw new Error(`notebook-lib: lock ${lock} held for over 5 min`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try { return fn(); } finally { rmSync(lock, { recursive: true, force: true }); }
}

function build(dir: string, src: string, stamp: string): string {
  const rel = (p: string) => relative(dir, p).split('\\').join('/');
  writeFileAtomic(join(dir, 'tsconfig.json'), JSON.stringify({
    extends: rel(join(projectRoot, 'tsconfig.json')),
    compilerOptions: { noEmit: false, declaration: true, emitDeclarationOnly: true, outDir: './types',
      rootDir: rel(src), noUnusedLocals: false, incremental: true, tsBuildInfoFile: './types.tsbuildinfo' },
    files: [rel(join(src, 'index.ts'))], include: [],
  }, null, 2) + '\n');
  const index = join(dir, 'types', 'index.d.ts');
  // incremental tsc does not re-emit outputs deleted behind its back: start over if they are gone
  if (!existsSync(index)) rmSync(join(dir, 'types.tsbuildinfo'), { force: true });
  const tsc = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  if (!existsSync(index)) throw new Error(`notebook-lib: tsc produced no ${index}\n${r.stdout}${r.stderr}`);
  for (const f of listDts(join(dir, 'types'))) {
    const text = readFileSync(f, 'utf8');
    const out = rewriteTsSpecifiers(text);
    if (out !== text) writeFileAtomic(f, out);
  }
  writeFileAtomic(join(dir, 'package.json'),
    JSON.stringify({ type: 'commonjs', main: './index.js', types: './types/index.d.ts' }, null, 2) + '\n');
  writeFileAtomic(join(dir, 'index.js'), [
    '// Generated by tools/notebooks/notebook-lib.ts: kernel-lib for tslab notebooks.',
    "require('tsx/cjs');",
    `module.exports = require(${JSON.stringify(rel(join(src, 'index.ts')))});`, '',
  ].join('\n'));
  writeFileAtomic(stamp, new Date().toISOString() + '\n');
  return dir;
}
