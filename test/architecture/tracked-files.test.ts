/**
 * Every tracked text file is free of absolute machine paths, and every repository path it names
 * exists: comments and docs state facts in our words or point inside the repository, never at
 * documents that are not part of it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

function trackedText(): { file: string; text: string }[] {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  const out: { file: string; text: string }[] = [];
  for (const file of files) {
    const p = join(root, file);
    if (!existsSync(p) || statSync(p).size > 4_000_000) continue;
    const buf = readFileSync(p);
    if (buf.includes(0)) continue;                         // binary (safetensors, images)
    out.push({ file, text: buf.toString('utf8') });
  }
  return out;
}

// Built from parts so this file does not match itself.
const MACHINE = new RegExp(`(^|[\\s'"\`(=:,\\[])/(${['work', 'tmp', 'home', 'root', 'Users', 'mnt'].join('|')})/[^\\s'"\`)\\]]*`, 'm');
const OUTSIDE = new RegExp([
  '\\bspecs/[\\w-]+\\.md', '\\.\\./shared/', '\\b(DESIGN|STYLE|NOTES)\\.md', '\\bSTYLE P\\d', '[Ii]ssue \\d+, acceptance',
  '\\b[Ss]pec \\d+(\\.\\d+)?\\b', '\\bH-train\\b',
].join('|'));
const REPO_PATH = /(?<![\w/.-])((?:kernel-lib|test|docs|scripts|bench|datasets|notebooks|models|bin)\/[\w./-]*\w\.(?:ts|md|json|ipynb|js|mjs|py|sh|csv))\b/g;

test('no tracked file holds an absolute machine path', () => {
  const bad = trackedText().filter(({ file }) => file !== '.gitignore')   // .gitignore lines are repository-relative patterns
    .flatMap(({ file, text }) => text.split('\n').map((l, i) => [l, i] as const).filter(([l]) => MACHINE.test(l)).map(([l, i]) => `${file}:${i + 1}: ${l.trim().slice(0, 120)}`));
  assert.deepEqual(bad, []);
});

test('no tracked file points at documents outside the repository', () => {
  const self = 'test/architecture/tracked-files.test.ts';
  const bad = trackedText().filter(({ file }) => file !== self)
    .flatMap(({ file, text }) => text.split('\n').map((l, i) => [l, i] as const).filter(([l]) => OUTSIDE.test(l)).map(([l, i]) => `${file}:${i + 1}: ${l.trim().slice(0, 120)}`));
  assert.deepEqual(bad, []);
});

test('every repository path a tracked source or doc file names exists', () => {
  const bad: string[] = [];
  for (const { file, text } of trackedText()) {
    if (!/\.(ts|md|mjs|js|ipynb)$/.test(file) || file.startsWith('results/')) continue;
    for (const m of text.matchAll(REPO_PATH)) {
      const ref = m[1]!;
      if (ref.includes("*") || /NAME|<|\$\{/.test(text.slice(m.index! - 2, m.index! + ref.length + 2))) continue;
      if (!existsSync(join(root, ref))) bad.push(`${file}: ${ref}`);
    }
  }
  assert.deepEqual([...new Set(bad)], []);
});

test('nothing tracked is listed by .gitignore', () => {
  const ignored = execFileSync('git', ['ls-files', '-ci', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
  assert.deepEqual(ignored, []);
});
