/**
 * `lab tokenize`, `lab score` and `lab generate` end to end through the real CLI process, on a tiny
 * random GPT-2 (real 50257-token vocabulary, C=8) saved in Hugging Face layout. Log-probabilities
 * are checked against the independent float64 reference (test/helpers/gpt2-reference.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, saveModel, saveTokenizer, loadTokenizer } from '../../kernel-lib/index.ts';
import { tinyModel, disposeModel } from '../helpers/tiny-gpt2.ts';
import { referenceLogits, refLogProb } from '../helpers/gpt2-reference.ts';
import { pickToken } from '../../kernel-lib/generate/generate.ts';

const lab = (args: string[]): string => execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'lab.js'), ...args], {
  encoding: 'utf8', env: { ...process.env, LAB_QUIET: '1', LAB_OFFLINE: '1' },
});

test('tokenize, score and generate through the CLI agree with the float64 reference', async () => {
  await initBackend({ quiet: true });
  const spec = { V: 50257, P: 32, C: 8, L: 1, H: 2 };
  const { model, ref } = tinyModel(spec, 11);
  const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
  await saveModel(model, dir);
  saveTokenizer('gpt2', dir);
  disposeModel(model);

  const text = 'The whale, the whale!';
  const tok = JSON.parse(lab(['tokenize', dir, '--text', text, '--json']));
  assert.deepEqual(tok.ids, loadTokenizer('gpt2').encode(text));
  assert.equal(tok.tokens.join('').replaceAll('Ġ', ' '), text);

  const scored = JSON.parse(lab(['score', dir, '--text', text, '--json']));
  const ids: number[] = scored.ids;
  const rows = referenceLogits(ref, ids, 1, ids.length, { L: 1, H: 2, eps: 1e-5 });
  assert.equal(scored.logprobs[0], null);
  let total = 0;
  for (let t = 1; t < ids.length; t++) {
    const want = refLogProb(rows[t - 1]!, ids[t]!);
    assert.ok(Math.abs(scored.logprobs[t] - want) < 1e-4, `token ${t}: ${scored.logprobs[t]} vs reference ${want}`);
    total += want;
  }
  assert.ok(Math.abs(scored.total - total) < 1e-3);
  const byIds = JSON.parse(lab(['score', dir, '--ids', ids.join(','), '--json']));
  assert.deepEqual(byIds.logprobs, scored.logprobs);

  const gen = JSON.parse(lab(['generate', dir, '--prompt', text, '--max-new-tokens', '2', '--json']));
  // Greedy: the first new token is the reference argmax after the prompt.
  const firstWant = pickToken(Float32Array.from(rows[ids.length - 1]!), 1, 1, 0);
  assert.equal(gen.ids[0], firstWant);
  assert.equal(gen.ids.length, 2);
});

test('score refuses bad ids with the item named', async () => {
  const { model } = tinyModel({ V: 50257, P: 8, C: 8, L: 1, H: 2 }, 3);
  const dir = mkdtempSync(join(tmpdir(), 'lab-cli-'));
  await initBackend({ quiet: true });
  await saveModel(model, dir);
  disposeModel(model);
  assert.throws(() => lab(['score', dir, '--ids', '1,x,3', '--json']), /item 2/);
});
