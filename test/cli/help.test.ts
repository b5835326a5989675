/**
 * `lab --help`, `lab --version` and `lab <command> --help` through the real entry: the top-level
 * help names every command with what it does; each command's help lists every flag it accepts
 * (from its declarations) with a description; --version is package.json's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../kernel-lib/runtime/files.ts';
import type { CommandSpec } from '../../kernel-lib/cli/args.ts';
import { lab, labSync } from './lab-child.ts';

const COMMANDS = ['data', 'eval', 'finetune', 'generate', 'info', 'notebooks', 'prune', 'reproduce', 'score', 'tokenize'];

test('lab --help names every command with its one-line summary; lab --version', async () => {
  const h = labSync(['--help']);
  assert.equal(h.status, 0, h.stderr);
  for (const c of COMMANDS) {
    const mod = await import(`../../kernel-lib/cli/${c}.ts`) as { summary: string };
    assert.match(h.stdout, new RegExp(`^  ${c} +${mod.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), `${c} listed with its summary`);
  }
  assert.match(h.stdout, /MODEL is .*a GGUF file/, 'the help says a MODEL may be a GGUF file');
  const v = labSync(['--version']);
  assert.equal(v.status, 0, v.stderr);
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  assert.equal(v.stdout.split(' ').slice(0, 2).join(' '), `${pkg.name} ${pkg.version}`);
  const none = labSync([]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /usage: lab <command>/);
});

test('lab <command> --help lists each declared flag with its description, exit 0', async () => {
  const runs = await Promise.all(COMMANDS.map((c) => lab([c, ...(c === 'notebooks' ? ['run'] : c === 'data' ? [] : []), '--help'])));
  for (const [i, c] of COMMANDS.entries()) {
    const r = runs[i]!;
    assert.equal(r.status, 0, `${c}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`usage: lab ${c}`), c);
    const mod = await import(`../../kernel-lib/cli/${c}.ts`) as { spec?: CommandSpec };
    if (!mod.spec) continue;
    for (const [flag, f] of Object.entries(mod.spec.flags)) {
      assert.ok(f.help, `${c} --${flag} has a description`);
      const line = r.stdout.split('\n').find((l) => l.includes(`--${flag}`));
      assert.ok(line, `${c} --help lists --${flag}`);
    }
  }
  // subcommand help of data lists its three subcommands' flags
  const data = runs[COMMANDS.indexOf('data')]!.stdout;
  for (const f of ['--profile', '--source', '--no-tokens', '--max-files', '--seed', '--out']) assert.ok(data.includes(f), `lab data --help lists ${f}`);
});
