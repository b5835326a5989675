/**
 * `lab prune mini --target 0.3 --out D` (child processes): D is a self-contained Hugging Face model
 * folder (config.json, model.safetensors in the input's dtype, the input's tokenizer files), with no
 * iterations unless --keep-iterations; `lab info D`, `lab score D` and `lab eval D` then work, and
 * the table labels its sparsity columns. The dtype is read from the raw safetensors header
 * (8-byte little-endian length, then JSON), not through the library.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const lab = (args: string[], cwd?: string) => {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'lab.js'), ...args], { encoding: 'utf8', cwd, env: { ...process.env, LAB_QUIET: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

function headerDtypes(file: string): Set<string> {
  const fd = openSync(file, 'r');
  try {
    const len = Buffer.alloc(8);
    readSync(fd, len, 0, 8, 0);
    const n = Number(len.readBigUInt64LE(0));
    const json = Buffer.alloc(n);
    readSync(fd, json, 0, n, 8);
    const h = JSON.parse(json.toString('utf8')) as Record<string, { dtype?: string }>;
    return new Set(Object.entries(h).filter(([k]) => k !== '__metadata__').map(([, v]) => v.dtype!));
  } finally {
    closeSync(fd);
  }
}

test('lab prune --out D writes a Hugging Face model folder that info, score and eval open', { timeout: 600_000 }, () => {
  const D = join(mkdtempSync(join(tmpdir(), 'lab-prune-out-')), 'pruned');
  const p = lab(['prune', 'mini', '--target', '0.3', '--out', D, '--no-cost', '--eval-blocks', '4']);
  assert.equal(p.code, 0, p.err);
  assert.match(p.out, /sparsity \(total\)/, 'the table labels its columns as sparsity');
  assert.match(p.err, /prune mini: .*eta/i, 'progress with an ETA on stderr');
  for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']) assert.ok(existsSync(join(D, f)), `${f} in D`);
  assert.ok(!existsSync(join(D, 'iterations')), 'no iterations without --keep-iterations');
  assert.ok(!existsSync(join(D, 'model')), 'the model is at D itself');
  const input = headerDtypes(join(root, 'models', 'mini', 'model.safetensors'));
  assert.deepEqual(headerDtypes(join(D, 'model.safetensors')), input, 'same dtype as the input');
  assert.deepEqual(readFileSync(join(D, 'tokenizer.json')), readFileSync(join(root, 'models', 'mini', 'tokenizer.json')));

  const info = lab(['info', D]);
  assert.equal(info.code, 0, info.err);
  const score = lab(['score', D, '--text', 'The whale swam.']);
  assert.equal(score.code, 0, score.err);
  const ev = lab(['eval', D, '--tasks', 'piqa', '--limit', '5', '--no-cache']);
  assert.equal(ev.code, 0, ev.err);
  assert.match(ev.out, /piqa/);

  // A relative --out is written under the working folder and printed as typed.
  const parent = mkdtempSync(join(tmpdir(), 'lab-prune-keep-'));
  const K = join(parent, 'pruned');
  const k = lab(['prune', 'mini', '--target', '0.3', '--out', 'pruned', '--no-cost', '--eval-blocks', '4', '--keep-iterations'], parent);
  assert.equal(k.code, 0, k.err);
  assert.match(k.out, /^saved pruned \(.*; iterations in pruned\/iterations\)$/m, 'the saved line names the folder as typed');
  assert.ok(existsSync(join(K, 'iterations', 'iter-1', 'plan.json')), 'iterations kept when asked');
});
