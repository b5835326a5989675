/**
 * Step keys cannot go stale: a step keyed on its inputs' identities recomputes when one input
 * changes although the profile slice it was given is the same object. Here the evaluation data
 * folder changes under an unchanged profile: first its version (the mini data MANIFEST.json
 * version, as when the HellaSwag distractors changed), then one row of one task file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, saveModel, saveTokenizer, generateMiniData, getProfile, type Profile } from '../../kernel-lib/index.ts';
import { evaluateStep } from '../../kernel-lib/experiments/steps/evaluate-step.ts';
import { tinyModel, disposeModel } from '../helpers/tiny-gpt2.ts';

test('an evaluate step recomputes when its data version or a data file changes', { timeout: 300_000 }, async () => {
  await initBackend({ quiet: true });
  const root = mkdtempSync(join(tmpdir(), 'lab-stale-'));
  process.env.LAB_RESULTS_DIR = join(root, 'results');
  process.env.LAB_QUIET = '1';
  const { model } = tinyModel({ V: 50257, P: 64, C: 8, L: 1, H: 1 }, 3);
  const modelDir = join(root, 'tiny');
  await saveModel(model, modelDir);
  saveTokenizer('gpt2', modelDir);
  disposeModel(model);
  const data = join(root, 'data');
  cpSync(generateMiniData({ seed: 0 }), data, { recursive: true });
  const base = getProfile('mini');
  const profile: Profile = { ...base, data: { kind: 'folder', dir: data }, eval: { ...base.eval, tasks: ['piqa'], limit: 2, bootstrapIters: 0 } };

  const first = await evaluateStep(profile, modelDir);
  assert.equal(first.cached, false);
  const again = await evaluateStep(profile, modelDir);
  assert.equal(again.cached, true, 'nothing changed: served from the step cache');

  const manifest = join(data, 'MANIFEST.json');
  const m = JSON.parse(readFileSync(manifest, 'utf8')) as { version: number };
  writeFileSync(manifest, JSON.stringify({ ...m, version: m.version + 1 }));
  const bumped = await evaluateStep(profile, modelDir);
  assert.equal(bumped.cached, false, 'the data version changed: the step must recompute');
  assert.notEqual(bumped.key, first.key);

  const piqaDir = join(data, 'piqa');
  const file = join(piqaDir, readdirSync(piqaDir).find((f) => f.startsWith('valid') && f.endsWith('.jsonl'))!);
  const text = readFileSync(file, 'utf8');
  const changed = text.replace(/"goal": *"(.)/, (m, c: string) => m.slice(0, -1) + (c === 'A' ? 'B' : 'A'));
  assert.notEqual(changed, text);
  writeFileSync(file, changed);
  const edited = await evaluateStep(profile, modelDir);
  assert.equal(edited.cached, false, 'a task file changed: the step must recompute');
  assert.notEqual(edited.key, bumped.key);
});
