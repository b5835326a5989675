// The notebook runner and its Jupyter client (ZeroMQ) are developer tooling
// in tools/notebooks/; kernel-lib imports no ZeroMQ and its public API no longer exports the runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../kernel-lib/runtime/files.ts';
import * as lab from '../../kernel-lib/index.ts';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => { const p = join(dir, n); return statSync(p).isDirectory() ? tsFiles(p) : n.endsWith('.ts') ? [p] : []; });
}

test('kernel-lib imports no zeromq; only the CLI entry loads tools/ (lazily, with import())', () => {
  for (const f of tsFiles(join(projectRoot, 'kernel-lib'))) {
    const src = readFileSync(f, 'utf8');
    assert.doesNotMatch(src, /from\s+['"]zeromq['"]|import\(\s*['"]zeromq['"]|require\(\s*['"]zeromq['"]/, `${f} imports zeromq`);
    assert.doesNotMatch(src, /^import [^\n]*['"][./]*tools\//m, `${f}: a static import of tools/`);
  }
  assert.equal('runNotebooks' in lab, false);
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
  assert.equal(pkg.dependencies.zeromq, undefined);
  assert.match(pkg.devDependencies.zeromq, /^\d+\.\d+\.\d+$/);
});
