/**
 * The README as a newcomer reads it: it points to no file outside the repository (no `../` paths,
 * no machine paths), every repository path it names in backticks exists, and the five-minute
 * tour's `lab info mini` and `lab score mini` output is what the CLI prints today (run here through
 * the real entry, bin/lab.js).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../kernel-lib/runtime/files.ts';
import { labSync } from './lab-child.ts';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
const TOP = ['kernel-lib', 'models', 'datasets', 'results', 'bench', 'test', 'scripts', 'notebooks', 'docs', 'bin'];

test('README points to no file outside the repository, and the paths it names exist', () => {
  assert.doesNotMatch(readme, /(?<!\.)\.\.\/[\w.]/, 'no ../ paths');
  assert.doesNotMatch(readme, /(^|[\s`(])\/(work|tmp|home|root)\//m, 'no machine paths');
  const missing: string[] = [];
  for (const m of readme.matchAll(/`([\w.-]+\/[^`\s]*)`/g)) {
    const p = m[1]!;
    if (!TOP.includes(p.split('/')[0]!) || /[*{}<>]/.test(p)) continue;   // globs and templates name families of files
    if (p.startsWith('results/steps') || p.startsWith('results/runs/') || p.startsWith('results/tour/')) continue;   // written by runs (git-ignored)
    if (!existsSync(join(projectRoot, p)) && !existsSync(join(projectRoot, `${p}.ipynb`))) missing.push(p);   // notebooks are named without .ipynb
  }
  assert.deepEqual(missing, []);
});

test('every folder the tour writes is one .gitignore covers, so the tour leaves git status clean', () => {
  const block = readme.slice(readme.indexOf('### Five-minute tour'));
  const outs = [...block.slice(0, block.indexOf('\n```\n', block.indexOf('```console'))).matchAll(/^\$ npx lab .*--out (\S+)/gm)].map((m) => m[1]!);
  assert.ok(outs.length >= 1, 'the tour writes a pruned model');
  for (const out of outs) {
    const r = spawnSync('git', ['check-ignore', '-q', '--no-index', `${out}/model.safetensors`], { cwd: projectRoot });
    assert.equal(r.status, 0, `${out} is covered by .gitignore`);
  }
});

/** The lines of the tour block that follow `$ npx lab <args>` up to the next `$` line. */
function tourOutput(cmd: string): string[] {
  const block = readme.slice(readme.indexOf('### Five-minute tour'));
  const lines = block.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`$ npx lab ${cmd}`));
  assert.ok(start >= 0, `the tour runs lab ${cmd}`);
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) { if (l.startsWith('$ ') || l.startsWith('```')) break; out.push(l); }
  return out.filter((l) => l.trim() && !l.includes('...'));
}

test('the tour shows what lab info mini and lab score mini print', () => {
  const info = labSync(['info', 'mini'], { LAB_QUIET: '1' });
  assert.equal(info.status, 0, info.stderr);
  for (const l of tourOutput('info mini ')) assert.ok(info.stdout.split('\n').includes(l), `lab info mini prints: ${l}`);
  const score = labSync(['score', 'mini', '--text', 'Call me Ishmael.'], { LAB_QUIET: '1' });
  assert.equal(score.status, 0, score.stderr);
  const shown = tourOutput('score mini');
  assert.ok(shown.length >= 8);
  const printed = score.stdout.trim().split('\n');
  assert.equal(printed.length, shown.length, `lab score mini prints ${printed.length} lines, the tour shows ${shown.length}`);
  printed.forEach((l, i) => assert.ok(sameUpToLastDigit(l, shown[i]!), `line ${i}: printed ${JSON.stringify(l)}, the tour shows ${JSON.stringify(shown[i])}`));
});

/**
 * Equal text, and equal numbers up to one unit of their last printed digit: the engine's thread
 * count can move a sum in its 7th significant digit, which flips a rounding such as 3249.75 / 3249.76.
 */
function sameUpToLastDigit(a: string, b: string): boolean {
  const NUM = /-?\d+(?:\.\d+)?/g;
  if (a.replace(NUM, '#') !== b.replace(NUM, '#')) return false;
  const na = a.match(NUM) ?? [], nb = b.match(NUM) ?? [];
  return na.every((x, i) => {
    const y = nb[i]!, decimals = (y.split('.')[1] ?? '').length;
    return x === y || (decimals > 0 && Math.abs(Number(x) - Number(y)) <= 1.0001 * 10 ** -decimals);
  });
}
