import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, stableStringify, hashKey, sha256 } from '../../kernel-lib/runtime/files.ts';
import { createRng, shuffled } from '../../kernel-lib/runtime/random.ts';

test('writeFileAtomic leaves only the final file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-files-'));
  const p = join(dir, 'sub', 'a.json');
  writeFileAtomic(p, 'hello');
  assert.equal(readFileSync(p, 'utf8'), 'hello');
  assert.deepEqual(readdirSync(join(dir, 'sub')), ['a.json']);
});

test('stable keys do not depend on insertion order', () => {
  assert.equal(stableStringify({ b: 1, a: { d: 2, c: 3 } }), '{"a":{"c":3,"d":2},"b":1}');
  assert.equal(hashKey({ b: 1, a: 2 }), hashKey({ a: 2, b: 1 }));
  // sha256("abc") from FIPS 180-2, appendix B.1
  assert.equal(sha256('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('rng is reproducible and resumable from its state', () => {
  const a = createRng(7);
  const first = [a.next(), a.next()];
  const saved = a.state();
  const rest = [a.next(), a.int(10)];
  const b = createRng(7);
  assert.deepEqual([b.next(), b.next()], first);
  const c = createRng(7, saved);
  assert.deepEqual([c.next(), c.int(10)], rest);
  assert.deepEqual(shuffled([1, 2, 3, 4, 5], createRng(1)).sort(), [1, 2, 3, 4, 5]);
});
