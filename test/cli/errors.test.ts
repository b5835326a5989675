/**
 * Every error of the CLI names what the user typed: a table of bad invocations, each run through
 * the real entry (bin/lab.js) in a child process; stderr must mention the offending flag / file /
 * name, never an internal key (PruneConfig.x, TrainConfig.x, config.x), and never Node's raw
 * parseArgs or errno text. Command-line mistakes exit 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lab } from './lab-child.ts';

const tmp = mkdtempSync(join(tmpdir(), 'cli-errors-'));
const FILE = join(tmp, 'a-file.txt');
writeFileSync(FILE, 'not a folder\n');
const OUT = join(tmp, 'out');
const emptyHub = mkdtempSync(join(tmpdir(), 'cli-errors-hub-'));

interface Case { args: string[]; mentions: (string | RegExp)[]; code: number; env?: Record<string, string> }

const CASES: Case[] = [
  { args: ['evl'], mentions: ["'evl'", 'did you mean eval?'], code: 2 },
  { args: ['eval', 'mini', '--tasks', 'piqa', '--limt', '5'], mentions: ['--limt', 'did you mean --limit'], code: 2 },
  { args: ['eval', 'mini', '--tasks', 'piqa', '--limit', '-3'], mentions: [/--limit: expected a positive number .*got '-3'/], code: 2 },
  { args: ['eval', 'mini', '--tasks', 'piqa', '--limit', 'ten'], mentions: ['--limit', "'ten'"], code: 2 },
  { args: ['eval', 'mini', '--tasks', 'piqaa', '--limit', '3'], mentions: ["--tasks: unknown task 'piqaa' (did you mean piqa?)", 'lab eval --list'], code: 2 },
  { args: ['eval', 'mini', '--tasks', 'piqa', '--batch-size', '0'], mentions: ['--batch-size', 'positive whole number'], code: 2 },
  { args: ['eval', 'mini', '--tasks', 'piqa', '--output', join(FILE, 'r.json')], mentions: ['--output', FILE, 'is a file'], code: 2 },
  { args: ['eval', 'mini', '--tasks', 'piqa', '--log-samples', tmp], mentions: ['--log-samples', tmp, 'is a folder'], code: 2 },
  { args: ['eval', 'mini', '--tasks', 'piqa', '--data-dir', 'mini'], mentions: ['--data-dir mini', 'did you mean --profile mini?'], code: 2 },
  { args: ['eval', 'mini', '--tasks', 'piqa', '--profile', 'mni'], mentions: ['--profile', "'mni'", 'did you mean mini?'], code: 2 },
  { args: ['eval', 'mini'], mentions: ['--tasks'], code: 2 },
  { args: ['eval', 'mini', '--tasks'], mentions: ['--tasks needs a value'], code: 2 },
  { args: ['prune', 'mini', '--target', '2', '--out', OUT], mentions: ['--target: expected a fraction in (0, 1), got 2'], code: 2 },
  { args: ['prune', 'mini', '--min-heads', '0', '--out', OUT], mentions: ['--min-heads'], code: 2 },
  { args: ['prune', 'mini', '--target', '0.3', '--out', FILE], mentions: [`--out ${FILE}`, 'is a file'], code: 2 },
  { args: ['prune', 'mini', '--target', '0.3', '--out', join(FILE, 'sub')], mentions: ['--out', FILE], code: 2 },
  { args: ['prune', 'mini', '--criterion', 'tylor', '--out', OUT], mentions: ['--criterion', "'tylor'", 'did you mean taylor?'], code: 2 },
  { args: ['prune', 'mini', '--targt', '0.3', '--out', OUT], mentions: ['--targt', 'did you mean --target'], code: 2 },
  { args: ['prune', 'mini'], mentions: ['--out'], code: 2 },
  { args: ['info', 'nosuchmodel'], mentions: ['nosuchmodel@main: not a folder, not a mini model id, and the hub at http://127.0.0.1:9 is unreachable'], code: 1,
    env: { HF_ENDPOINT: 'http://127.0.0.1:9', HF_HUB_CACHE: emptyHub } },
  { args: ['info', './no/such/folder'], mentions: ['./no/such/folder: not a folder, not a mini model id'], code: 1 },
  { args: ['info', FILE], mentions: [FILE, 'got a file'], code: 1 },
  { args: ['info', 'mini', '--jsn'], mentions: ['--jsn', 'did you mean --json?'], code: 2 },
  { args: ['info'], mentions: ['missing MODEL'], code: 2 },
  { args: ['score', 'mini'], mentions: ['--text', '--ids'], code: 2 },
  { args: ['score', 'mini', '--ids', '1,x,3'], mentions: ['--ids: item 2'], code: 2 },
  { args: ['generate', 'mini'], mentions: ['--prompt'], code: 2 },
  { args: ['generate', 'mini', '--prompt', 'Hello', '--top-k', '0'], mentions: ['--top-k', "'0'"], code: 2 },
  { args: ['generate', 'mini', '--prompt', 'Hello', '--max-new-tokens', '2.5'], mentions: ['--max-new-tokens', "'2.5'"], code: 2 },
  { args: ['tokenize', 'mini'], mentions: ['--text'], code: 2 },
  { args: ['finetune', 'mini', '--data', 'corpus:nope', '--steps', '1', '--out', OUT], mentions: ["--data: unknown corpus 'nope'"], code: 2 },
  { args: ['finetune', 'mini', '--data', 'corpus:sotu', '--steps', '1', '--out', OUT, '--dtype', 'f16'], mentions: ['--dtype', "'f16'"], code: 2 },
  { args: ['finetune', 'mini', '--data', 'corpus:sotu', '--steps', '1', '--out', FILE], mentions: [`--out ${FILE}`], code: 2 },
  { args: ['finetune', 'mini', '--data', 'corpus:sotu', '--steps', '1', '--out', OUT, '--replicas', '0'], mentions: ['--replicas', "'0'", 'positive whole number'], code: 2 },
  { args: ['data', 'minni'], mentions: ["'minni'", 'did you mean mini?'], code: 2 },
  { args: ['data', 'stats', '--source', 'piqaa', '--no-tokens'], mentions: ['--source', "'piqaa'", 'did you mean piqa?'], code: 2 },
  { args: ['data', 'mini', '--out', FILE], mentions: [`--out ${FILE}`], code: 2 },
  { args: ['data', 'mini', '--seed', '1.5'], mentions: ['--seed', "'1.5'"], code: 2 },
  { args: ['notebooks', 'run', '--timeout', '-1'], mentions: ['--timeout', "'-1'"], code: 2 },
  { args: ['notebooks', 'run', 'no-such.ipynb'], mentions: ['no-such.ipynb'], code: 2 },
  { args: ['reproduce', '--profile', 'papr', '--dry-run'], mentions: ['--profile', "'papr'", 'did you mean paper?'], code: 2 },
  { args: ['reproduce', '--wasm-threads', '0', '--dry-run'], mentions: ['--wasm-threads', "'0'", 'positive whole number'], code: 2 },
  { args: ['reproduce', '--train-replicas', '1.5', '--dry-run'], mentions: ['--train-replicas', "'1.5'", 'positive whole number'], code: 2 },
  { args: ['score', 'gpt2', '--text', 'hi', '--ort-providers', 'cuda,rocm'], mentions: ['--ort-providers', "'rocm'", 'execution provider'], code: 2 },
];

test('every CLI error names the flag, file or name the user typed (table of bad invocations)', async () => {
  const env = { LAB_QUIET: '1', LAB_CACHE_DIR: mkdtempSync(join(tmpdir(), 'cli-errors-cache-')) };
  const results: { c: Case; r: Awaited<ReturnType<typeof lab>> }[] = [];
  for (let i = 0; i < CASES.length; i += 3) {       // three at a time: a few seconds each on a shared machine
    const batch = CASES.slice(i, i + 3);
    results.push(...(await Promise.all(batch.map(async (c) => ({ c, r: await lab(c.args, { ...env, ...c.env }) })))));
  }
  const failures: string[] = [];
  for (const { c, r } of results) {
    const what = `lab ${c.args.join(' ')}`;
    if (r.status !== c.code) failures.push(`${what}: exit ${r.status}, expected ${c.code}\n${r.stderr}`);
    for (const m of c.mentions) {
      const ok = typeof m === 'string' ? r.stderr.includes(m) : m.test(r.stderr);
      if (!ok) failures.push(`${what}: stderr does not mention ${String(m)}:\n${r.stderr}`);
    }
    if (/\b[A-Z][A-Za-z]*Config\.\w+|evaluate: config\./.test(r.stderr)) failures.push(`${what}: names an internal config key:\n${r.stderr}`);
    if (/ERR_PARSE_ARGS|Unknown option '--|argument is ambiguous|ENOTDIR|EISDIR|\n\s+at /.test(r.stderr)) failures.push(`${what}: raw Node error text:\n${r.stderr}`);
    if (r.stderr.length > 1500) failures.push(`${what}: stderr is ${r.stderr.length} characters (a short message is expected)`);
  }
  assert.deepEqual(failures, []);
});
