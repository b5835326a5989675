/**
 * `lab eval` in a child process: killed mid-run (SIGKILL, after its first cache segment is on
 * disk), then run again: the second run completes from the cache (only the missing requests are
 * computed), its numbers equal an uncached in-process evaluation, and the cache holds only whole
 * segments. Also --output (lm-eval's JSON shape) and --log-samples (one line per document).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { initBackend, saveModel, loadModel, loadTokenizer, evaluate } from '../../kernel-lib/index.ts';
import { projectRoot } from '../../kernel-lib/runtime/files.ts';
import { tinyModel } from '../helpers/tiny-gpt2.ts';

const CLI = join(projectRoot, 'kernel-lib/cli.ts');

function segments(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (d: string): void => { for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : out.push(join(d, e.name)); };
  walk(root);
  return out;
}

test('lab eval: interrupted run resumes from the request cache; --output and --log-samples', async () => {
  await initBackend({ quiet: true });
  const { model } = tinyModel({ V: 50257, P: 64, C: 16, L: 2, H: 2 }, 21);
  const modelDir = mkdtempSync(join(tmpdir(), 'evalcli-model-'));
  await saveModel(model, modelDir);
  const dataDir = mkdtempSync(join(tmpdir(), 'evalcli-data-'));
  mkdirSync(join(dataDir, 'piqa'));
  const words = 'the a cat dog runs jumps over under quickly slowly red blue'.split(' ');
  const rows = Array.from({ length: 100 }, (_, i) => ({
    goal: `Goal ${i}: ${words[i % 12]} ${words[(i * 7) % 12]} ${words[(i * 5) % 12]}`,
    sol1: `${words[(i * 3) % 12]} ${words[(i + 1) % 12]} then ${words[(i * 11) % 12]} it.`,
    sol2: `${words[(i * 9) % 12]} and ${words[(i + 4) % 12]} ${words[(i + 2) % 12]}.`,
  }));
  writeFileSync(join(dataDir, 'piqa/valid.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(join(dataDir, 'piqa/valid-labels.lst'), rows.map((_, i) => String(i % 2)).join('\n') + '\n');
  const cache = mkdtempSync(join(tmpdir(), 'evalcli-cache-'));
  const env = { ...process.env, LAB_CACHE_DIR: cache, LAB_QUIET: '1' };
  const args = ['--import', 'tsx', CLI, 'eval', modelDir, '--tasks', 'piqa', '--data-dir', dataDir, '--batch-size', '1', '--cache-flush-ms', '0'];

  // 1. start, wait for the first segment, kill
  const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
  const exited = new Promise<void>((res) => child.on('exit', () => res()));
  let killed = false;
  for (let i = 0; i < 3000 && !killed; i++) {
    await new Promise((r) => setTimeout(r, 20));
    if (segments(cache).some((f) => f.endsWith('.jsonl'))) { child.kill('SIGKILL'); killed = true; }
  }
  await exited;
  assert.ok(killed, 'the child wrote a cache segment before finishing');
  const partial = segments(cache).filter((f) => f.endsWith('.jsonl'));
  const done1 = partial.reduce((n, f) => n + readFileSync(f, 'utf8').trim().split('\n').length, 0);
  assert.ok(done1 > 0 && done1 < 200, `killed mid-run (${done1} of 200 requests cached)`);

  // 2. re-run to completion
  const out = join(mkdtempSync(join(tmpdir(), 'evalcli-out-')), 'results.json');
  const samplesFile = out.replace('results.json', 'samples.jsonl');
  const r = spawnSync(process.execPath, [...args, '--output', out, '--log-samples', samplesFile], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\|piqa +\|1\.0 +\|none +\|0 +\|acc +\|↑/);
  const all = segments(cache);
  assert.ok(all.every((f) => f.endsWith('.jsonl')), `only whole segments in the cache: ${all.join(', ')}`);
  const newLines = all.filter((f) => !partial.includes(f)).reduce((n, f) => n + readFileSync(f, 'utf8').trim().split('\n').length, 0);
  assert.equal(newLines, 200 - done1, 'the second run computed only the missing requests');

  // 3. same numbers as an uncached evaluation of the same checkpoint
  const loaded = await loadModel(modelDir);
  const ref = await evaluate(loaded, loadTokenizer('gpt2'), ['piqa'], { dataDir, cacheDir: null, quiet: true, batchSize: 8 });
  const res = JSON.parse(readFileSync(out, 'utf8')) as typeof ref;
  assert.equal(res.config['lm_eval_version'], '0.4.9.1');
  assert.ok(Math.abs((res.results['piqa']!['acc_norm,none'] as number) - (ref.results['piqa']!['acc_norm,none'] as number)) < 1e-12);
  assert.equal(res.results['piqa']!['acc,none'], ref.results['piqa']!['acc,none']);
  const lines = readFileSync(samplesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 100);
  assert.deepEqual(Object.keys(lines[0]!).slice(0, 7), ['task', 'doc_id', 'doc', 'target', 'arguments', 'resps', 'filtered_resps']);
  assert.deepEqual((lines[0]!['arguments'] as string[][])[0], [`Question: ${rows[0]!.goal}\nAnswer:`, ` ${rows[0]!.sol1}`]);
  for (const v of model.params.values()) v.dispose();
  for (const v of loaded.params.values()) v.dispose();
});
