import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const child = join(here, '..', 'helpers', 'grads-child.ts');

interface Run { threads: number; loss: number; names: string[]; shapes: number[][]; grads: Float32Array }

function run(threads: number, dir: string): Run {
  const out = join(dir, `t${threads}.json`);
  // A child that does not exit on its own (pool workers keeping it alive) fails the timeout.
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, String(threads), out], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, LAB_QUIET: '1' } });
  assert.equal(r.status, 0, `child with ${threads} thread(s) failed (signal ${r.signal}):\n${r.stderr}`);
  const meta = JSON.parse(readFileSync(out, 'utf8')) as Omit<Run, 'grads'>;
  const raw = readFileSync(out + '.bin');
  return { ...meta, grads: new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)) };
}

test('wasm with 2 threads gives the loss and gradients of the single-threaded module (1e-5), and both processes exit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-wasm-threads-test-'));
  const before = new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('lab-wasm-threads-')));
  try {
    const one = run(1, dir), two = run(2, dir);
    assert.equal(one.threads, 1);
    assert.equal(two.threads, 2, 'the threaded module should report a pool of 2 threads');
    assert.ok(Number.isFinite(one.loss) && one.loss > 0, `loss ${one.loss}`);
    assert.ok(Math.abs(two.loss - one.loss) <= 1e-5 * Math.abs(one.loss), `loss ${two.loss} (2 threads) vs ${one.loss} (1 thread)`);
    assert.deepEqual(two.names, one.names);
    assert.ok(one.names.length >= 16, `${one.names.length} gradients`);
    let off = 0;
    for (let k = 0; k < one.names.length; k++) {
      const n = one.shapes[k]!.reduce((a, b) => a * b, 1);
      const a = one.grads.subarray(off, off + n), b = two.grads.subarray(off, off + n);
      off += n;
      let scale = 0, diff = 0;
      for (let i = 0; i < n; i++) { scale = Math.max(scale, Math.abs(a[i]!)); diff = Math.max(diff, Math.abs(a[i]! - b[i]!)); }
      assert.ok(scale > 0, `${one.names[k]}: all-zero gradient`);
      assert.ok(diff <= 1e-5 * scale, `${one.names[k]}: max |g2 - g1| = ${diff}, max |g1| = ${scale}`);
    }
    assert.equal(off, one.grads.length);
    // The shim's script files live in the OS temp dir only while a process runs.
    const left = readdirSync(tmpdir()).filter((f) => f.startsWith('lab-wasm-threads-') && !f.startsWith('lab-wasm-threads-test-') && !before.has(f));
    assert.deepEqual(left, [], 'temp script folders left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
