/**
 * Execution-provider selection (engine/ort-providers.ts). Only the selection logic can be tested
 * here: this machine has no GPU and its onnxruntime-node has no CUDA provider library, so a
 * session on cuda is never opened. The binding's real listSupportedBackends() output on this
 * Linux x64 install (cpu, webgpu bundled; cuda, tensorrt not) is checked as well.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ortProviderStatus, parseOrtProviders, selectOrtProviders } from '../../kernel-lib/engine/ort-providers.ts';
import { loadOrt } from '../../kernel-lib/engine/ort-runtime.ts';
import { sessionOptions } from '../../kernel-lib/engine/ort-sessions.ts';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('../helpers/engine-child.ts', import.meta.url));

/** The engine test child (a tiny GPT-2 scored on the default engine) under `env`. */
function runChild(env: Record<string, string>): { out: { a: number[] } | null; err: string; status: number | null } {
  const e: Record<string, string | undefined> = { ...process.env, ...env };
  delete e.LAB_QUIET; delete e.LAB_ENGINE; delete e.LAB_ORT_MODULE;
  if (!('LAB_ORT_PROVIDERS' in env)) delete e.LAB_ORT_PROVIDERS;
  const r = spawnSync(process.execPath, ['--import', 'tsx', child], { env: e as NodeJS.ProcessEnv, encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  return { out: line.startsWith('{') ? JSON.parse(line) : null, err: r.stderr, status: r.status };
}
const providerLines = (err: string) => err.split('\n').filter((l) => l.includes('[lab] ort providers:'));

const LINUX_X64 = [{ name: 'cpu', bundled: true }, { name: 'webgpu', bundled: true }, { name: 'cuda', bundled: false }, { name: 'tensorrt', bundled: false }];

test('parse: order kept, case and spaces ignored, duplicates dropped; an unknown name is refused by name', () => {
  assert.deepEqual(parseOrtProviders('cuda,cpu', '--ort-providers'), ['cuda', 'cpu']);
  assert.deepEqual(parseOrtProviders(' CPU , cuda,cpu', 'LAB_ORT_PROVIDERS'), ['cpu', 'cuda']);
  assert.throws(() => parseOrtProviders('cuda,rocm', '--ort-providers'), /--ort-providers: 'rocm' is not an ONNX Runtime execution provider/);
  assert.throws(() => parseOrtProviders(' , ', 'LAB_ORT_PROVIDERS'), /LAB_ORT_PROVIDERS: ' , ' names no execution provider/);
});

test('status: a provider that is not bundled is available only when its libraries are next to the binding', () => {
  const bin = mkdtempSync(join(tmpdir(), 'ort-bin-'));
  const absent = ortProviderStatus(LINUX_X64, bin);
  assert.deepEqual(absent.map((s) => [s.name, s.available]), [['cpu', true], ['webgpu', true], ['cuda', false], ['tensorrt', false]]);
  assert.match(absent[2]!.why, /libonnxruntime_providers_cuda\.so, libonnxruntime_providers_shared\.so not in/);
  writeFileSync(join(bin, 'libonnxruntime_providers_cuda.so'), '');
  assert.equal(ortProviderStatus(LINUX_X64, bin)[2]!.available, false, 'the shared providers library is needed too');
  writeFileSync(join(bin, 'libonnxruntime_providers_shared.so'), '');
  assert.equal(ortProviderStatus(LINUX_X64, bin)[2]!.available, true);
  assert.equal(ortProviderStatus(LINUX_X64, bin)[3]!.available, false);
});

test('select: requested cuda but absent -> cpu with a line naming cuda and why; present -> kept in order', () => {
  const bin = mkdtempSync(join(tmpdir(), 'ort-bin-'));
  const none = ortProviderStatus(LINUX_X64, bin);
  const a = selectOrtProviders(['cuda'], none, '--ort-providers');
  assert.deepEqual(a.providers, ['cpu']);
  assert.match(a.line, /^ort providers: cpu \(cuda requested by --ort-providers; cuda absent: libonnxruntime_providers_cuda\.so.*; running on cpu/);
  const b = selectOrtProviders(['cuda', 'cpu'], none, 'LAB_ORT_PROVIDERS');
  assert.deepEqual(b.providers, ['cpu']);
  assert.match(b.line, /cuda absent/);
  assert.doesNotMatch(b.line, /running on cpu/, 'cpu was asked for, so nothing is substituted');
  writeFileSync(join(bin, 'libonnxruntime_providers_cuda.so'), '');
  writeFileSync(join(bin, 'libonnxruntime_providers_shared.so'), '');
  const some = ortProviderStatus(LINUX_X64, bin);
  assert.deepEqual(selectOrtProviders(['cuda', 'cpu'], some, 'x').providers, ['cuda', 'cpu']);
  assert.deepEqual(selectOrtProviders(['cpu', 'cuda'], some, 'x').providers, ['cpu', 'cuda']);
  assert.equal(selectOrtProviders(['cuda', 'cpu'], some, 'x').line, 'ort providers: cuda, cpu (requested by x)');
  // a name the binding does not list (dml is Windows-only) is absent for that reason
  assert.match(selectOrtProviders(['dml', 'cpu'], some, 'x').line, /dml absent: this onnxruntime-node was not built with it/);
  assert.deepEqual(selectOrtProviders(null, some, 'x'), { providers: ['cpu'], line: 'ort providers: cpu (default)' });
});

test('the installed onnxruntime-node lists its providers, and sessions get the chosen ones in order', (t) => {
  const { ort, reason } = loadOrt();
  if (!ort) { t.skip(`onnxruntime-node does not load here: ${reason}`); return; }
  const names = ort.backends.map((b) => b.name);
  assert.ok(names.includes('cpu'), `listSupportedBackends() gave ${JSON.stringify(ort.backends)}`);
  assert.equal(ort.backends.find((b) => b.name === 'cpu')!.bundled, true);
  assert.deepEqual(sessionOptions(['cuda', 'cpu']).executionProviders, ['cuda', 'cpu']);
  assert.deepEqual(sessionOptions().executionProviders, ['cpu']);
});

test('LAB_ORT_PROVIDERS=cuda,cpu in a real run here: one line says cuda is absent, sessions run on cpu with the same numbers', (t) => {
  const { ort, reason } = loadOrt();
  if (!ort) { t.skip(`onnxruntime-node does not load here: ${reason}`); return; }
  if (ortProviderStatus(ort.backends, ort.binDir).some((s) => s.name === 'cuda' && s.available)) { t.skip('this onnxruntime-node has the CUDA provider installed'); return; }
  const plain = runChild({});
  assert.equal(plain.status, 0, plain.err);
  assert.deepEqual(providerLines(plain.err), ['[lab] ort providers: cpu (default)']);
  const cuda = runChild({ LAB_ORT_PROVIDERS: 'cuda,cpu' });
  assert.equal(cuda.status, 0, cuda.err);
  const lines = providerLines(cuda.err);
  assert.equal(lines.length, 1, cuda.err);
  assert.match(lines[0]!, /^\[lab\] ort providers: cpu \(cuda,cpu requested by LAB_ORT_PROVIDERS \/ --ort-providers; cuda absent: libonnxruntime_providers_cuda\.so/);
  assert.deepEqual(cuda.out!.a, plain.out!.a);
  const bad = runChild({ LAB_ORT_PROVIDERS: 'cuda,rocm' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.err, /LAB_ORT_PROVIDERS: 'rocm' is not an ONNX Runtime execution provider/);
});
