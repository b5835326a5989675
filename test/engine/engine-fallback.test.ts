/**
 * Engine choice in real child processes: the default is ort when onnxruntime-node loads; when it
 * cannot load (LAB_ORT_MODULE names a package that is not installed, as on a machine without the
 * binary) the same command runs on tfjs and says so in exactly one line; LAB_ENGINE=tfjs forces
 * tfjs; a bad LAB_ENGINE is refused naming the variable. All three give the same numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('../helpers/engine-child.ts', import.meta.url));

function run(env: Record<string, string>): { out: { a: number[]; b: number[] } | null; err: string; status: number | null } {
  const e: Record<string, string | undefined> = { ...process.env, ...env };
  delete e.LAB_QUIET;
  if (!('LAB_ENGINE' in env)) delete e.LAB_ENGINE;
  const r = spawnSync(process.execPath, ['--import', 'tsx', child], { env: e as NodeJS.ProcessEnv, encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  return { out: line.startsWith('{') ? JSON.parse(line) : null, err: r.stderr, status: r.status };
}

const engineLines = (err: string) => err.split('\n').filter((l) => l.includes('[lab] engine:'));

test('ort by default, tfjs fallback with one printed line when onnxruntime cannot load, LAB_ENGINE=tfjs forces tfjs', () => {
  const ort = run({});
  assert.equal(ort.status, 0, ort.err);
  assert.deepEqual(engineLines(ort.err).map((l) => l.replace(/\(.*\)/, '(..)')), ['[lab] engine: ort (..)']);
  const fb = run({ LAB_ORT_MODULE: 'no-such-onnxruntime-package' });
  assert.equal(fb.status, 0, fb.err);
  const lines = engineLines(fb.err);
  assert.equal(lines.length, 1, fb.err);
  assert.match(lines[0]!, /^\[lab\] engine: tfjs \(fallback: no-such-onnxruntime-package did not load: .*Cannot find module/);
  const tfjs = run({ LAB_ENGINE: 'tfjs' });
  assert.equal(tfjs.status, 0, tfjs.err);
  assert.deepEqual(engineLines(tfjs.err), ['[lab] engine: tfjs']);
  for (const r of [fb, tfjs]) {
    r.out!.a.forEach((v, k) => assert.ok(Math.abs(v - ort.out!.a[k]!) <= 1e-4, `request ${k}: ${v} vs ort ${ort.out!.a[k]}`));
    r.out!.b.forEach((v, k) => assert.ok(Math.abs(v - r.out!.a[k]!) <= 1e-5, `request ${k}: batch 1 vs batch 2`));
  }
  const bad = run({ LAB_ENGINE: 'cuda' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.err, /LAB_ENGINE: 'cuda' is not an engine: expected ort or tfjs/);
});
