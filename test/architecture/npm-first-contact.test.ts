/**
 * First contact through npm: `npx lab --version` prints no npm warning (no unknown project config
 * key), and every installed dependency with an install script is approved or denied by
 * package.json's `allowScripts`, so `npm install` warns about none; onnxruntime-node's script, which
 * downloads GPU binaries from outside the registry, is denied.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const npm = (args: string[]) => spawnSync('npm', args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
const hasInstallScripts = npm(['help', 'install-scripts']).status === 0;

test('npx lab --version: the version and no npm warning', () => {
  const r = spawnSync('npx', ['--no-install', 'lab', '--version'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  assert.match(r.stdout, new RegExp(`^${pkg.name} ${pkg.version.replace(/\./g, '\\.')} `));
  assert.doesNotMatch(r.stderr, /npm warn/i);
});

test('onnxruntime-node\'s install script is denied in allowScripts', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
  assert.equal(pkg.allowScripts?.['onnxruntime-node'], false);
});

test('every installed dependency with an install script is approved or denied', { skip: hasInstallScripts ? false : 'needs an npm with `npm install-scripts` (allowScripts)' }, () => {
  const r = npm(['install-scripts', 'ls', '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as { allowScripts: unknown[] }).allowScripts, []);
});
