import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedStep, stepLocation } from '../../kernel-lib/experiments/step-cache.ts';

const quiet = { log: () => {} };

test('a step runs once per key and is read back from step.json', async () => {
  const root = mkdtempSync(join(tmpdir(), 'lab-steps-'));
  let runs = 0;
  const run = async (dir: string) => { runs++; writeFileSync(join(dir, 'artifact.txt'), 'x'); return { value: 42 }; };
  const a = await cachedStep('demo', { lr: 1e-3, model: 'mini' }, run, { root, ...quiet });
  const b = await cachedStep('demo', { model: 'mini', lr: 1e-3 }, run, { root, ...quiet });
  assert.equal(runs, 1);
  assert.equal(a.cached, false);
  assert.equal(b.cached, true);
  assert.deepEqual(b.result, { value: 42 });
  assert.ok(existsSync(join(a.dir, 'artifact.txt')));
  const c = await cachedStep('demo', { lr: 2e-3, model: 'mini' }, run, { root, ...quiet });
  assert.notEqual(c.key, a.key);
  assert.equal(runs, 2);
});

test('an interrupted step leaves no record and is resumed in the same folder', async () => {
  const root = mkdtempSync(join(tmpdir(), 'lab-steps-'));
  await assert.rejects(cachedStep('flaky', { k: 1 }, async (dir) => {
    writeFileSync(join(dir, 'checkpoint'), 'half');
    throw new Error('interrupted');
  }, { root, ...quiet }), /interrupted/);
  const { dir } = stepLocation('flaky', { k: 1 }, root);
  assert.ok(!existsSync(join(dir, 'step.json')));
  const out = await cachedStep('flaky', { k: 1 }, async (d) => ({ resumedFrom: existsSync(join(d, 'checkpoint')) }), { root, ...quiet });
  assert.deepEqual(out.result, { resumedFrom: true });
});
