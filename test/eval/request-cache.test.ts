import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { openRequestCache, requestKey } from '../../kernel-lib/eval/request-cache.ts';

test('request cache: whole segments only, reopened intact, stale temp files of dead processes removed', () => {
  const root = mkdtempSync(join(tmpdir(), 'rc-'));
  const c = openRequestCache(root, 'f'.repeat(64), 'piqa@1.0-h1', 60_000);
  const k1 = requestKey([1, 2], [3], 1024), k2 = requestKey([1], [2, 3], 1024);
  assert.notEqual(k1, k2);
  assert.notEqual(requestKey([1, 2], [3], 2), k1);
  c.put(k1, { loglikelihood: -1.25, isGreedy: true });
  c.put(k2, { loglikelihood: -Infinity, isGreedy: false });
  assert.equal(readdirSync(c.dir).length, 0, 'nothing written before a flush');
  c.flush();
  const files = readdirSync(c.dir);
  assert.equal(files.length, 1);
  assert.match(files[0]!, /^seg-.*\.jsonl$/);
  // a temp file left by a killed writer (pid 999999999: no such process)
  writeFileSync(join(c.dir, 'seg-x.jsonl.999999999.0.tmp'), '["half');
  const d = openRequestCache(root, 'f'.repeat(64), 'piqa@1.0-h1');
  assert.deepEqual(d.get(k1), { loglikelihood: -1.25, isGreedy: true });
  assert.deepEqual(d.get(k2), { loglikelihood: -Infinity, isGreedy: false });
  assert.equal(d.size, 2);
  assert.deepEqual(readdirSync(c.dir), files, 'the stale temp file is gone');
  // another namespace or model is a different cache
  assert.equal(openRequestCache(root, 'f'.repeat(64), 'piqa@2.0-h1').get(k1), undefined);
  assert.equal(openRequestCache(root, 'e'.repeat(64), 'piqa@1.0-h1').get(k1), undefined);
});
