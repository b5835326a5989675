// `lab generate / score / eval / prune / info` on the stories260K GGUF file and on its Hugging
// Face export, through real child processes of bin/lab.js.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, loadModel, saveModel } from '../../kernel-lib/index.ts';
import { disposeModel } from '../../kernel-lib/model/dispose-model.ts';
import { saveGgufTokenizer } from '../../kernel-lib/tokenizer/save-gguf-tokenizer.ts';
import { PUBLISHED } from '../helpers/stories260k-sample.ts';

const REAL = process.env.LAB_REAL_DATA;
const skip = REAL ? false : 'LAB_REAL_DATA unset: needs the real stories260K GGUF (and PIQA for eval)';
const GGUF = REAL ? join(REAL, 'stories260K', 'stories260K.gguf') : '';
const CACHE = mkdtempSync(join(tmpdir(), 'llama-cli-cache-'));
const lab = (args: string[]): string => execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'lab.js'), ...args], {
  encoding: 'utf8', env: { ...process.env, LAB_QUIET: '1', LAB_OFFLINE: '1', LAB_CACHE_DIR: CACHE },
});
const TEXT = 'Lily and Ben went to the park. They saw a big tree.';
let exportDir = '';

before(async () => {
  if (!REAL) return;
  await initBackend({ quiet: true });
  const m = await loadModel(GGUF);
  exportDir = join(mkdtempSync(join(tmpdir(), 'llama-cli-')), 'hf');
  await saveModel(m, exportDir);
  saveGgufTokenizer(GGUF, exportDir);
  disposeModel(m);
});

test('lab generate on the GGUF file, empty prompt: BOS then llama2.c\'s published greedy sample', { skip }, () => {
  const g = JSON.parse(lab(['generate', GGUF, '--prompt', '', '--max-new-tokens', '256', '--json']));
  assert.deepEqual(g.promptIds, [1]);
  assert.equal(g.text, PUBLISHED);
  // Continuing a prompt keeps the space before the first new word.
  assert.equal(lab(['generate', exportDir, '--prompt', 'Once upon a', '--max-new-tokens', '2']).trim(), 'Once upon a time,');
});

test('lab info on the GGUF file and on its HF export: llama, same parameter table', { skip }, () => {
  const a = JSON.parse(lab(['info', GGUF, '--json'])), b = JSON.parse(lab(['info', exportDir, '--json']));
  assert.equal(a.family, 'llama');
  assert.equal(a.parameters.total, 260032);   // 512*64 embedding (tied) + 5 layers + final norm
  assert.deepEqual(a.parameters, b.parameters);
  assert.deepEqual(a.layers, b.layers);
  // stories260K: 8 query heads sharing 4 key/value heads (GGUF llama.attention.head_count 8, head_count_kv 4).
  assert.deepEqual([a.config.numHeads, a.config.numKeyValueHeads, a.config.headDim], [8, 4, 8]);
  assert.deepEqual(a.layers.map((l: { heads: number; kvHeads: number }) => [l.heads, l.kvHeads]), Array(5).fill([8, 4]));
  assert.match(lab(['info', GGUF]), /^config {5}V=512 positions=2048 C=64 L=5 H=8 K=4$/m);
});

test('lab score: the GGUF file and its HF export give the same log-probabilities', { skip }, () => {
  const a = JSON.parse(lab(['score', GGUF, '--text', TEXT, '--json'])), b = JSON.parse(lab(['score', exportDir, '--text', TEXT, '--json']));
  assert.equal(a.tokens[0], '\u2581Lily');
  assert.deepEqual(a.ids, b.ids);
  assert.deepEqual(a.logprobs, b.logprobs);
  assert.ok(a.total < 0 && a.total > -3 * a.ids.length, `a trained model: total ${a.total} over ${a.ids.length} tokens`);
});

test('lab prune on the GGUF file writes an HF-layout Llama that lab score and generate run', { skip }, () => {
  const out = mkdtempSync(join(tmpdir(), 'llama-cli-prune-'));
  lab(['prune', GGUF, '--target', '0.2', '--of', 'non-embedding', '--groups', 'heads,mlp', '--criterion', 'magnitude-l1', '--recover', 'none', '--eval-blocks', '0', '--no-cost', '--out', out]);
  const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));   // the model is the folder itself
  assert.deepEqual(cfg.architectures, ['LlamaForCausalLM']);
  assert.ok(cfg.num_key_value_heads < 4 || cfg.intermediate_size < 172, 'something was pruned');
  assert.ok(existsSync(join(out, 'tokenizer.gguf')), 'lab prune copies the GGUF vocabulary next to the weights');
  const s = JSON.parse(lab(['score', out, '--text', TEXT, '--json']));
  assert.equal(s.logprobs.length, s.ids.length);
  assert.equal(JSON.parse(lab(['generate', out, '--prompt', 'Once', '--max-new-tokens', '3', '--json'])).ids.length, 3);
});

test('lab eval piqa on the GGUF file and on its export: same accuracies', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'llama-cli-eval-'));
  lab(['eval', GGUF, '--tasks', 'piqa', '--limit', '6', '--data-dir', REAL!, '--no-cache', '--output', join(dir, 'a.json')]);
  lab(['eval', exportDir, '--tasks', 'piqa', '--limit', '6', '--data-dir', REAL!, '--no-cache', '--output', join(dir, 'b.json')]);
  const a = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')), b = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'));
  assert.ok(typeof a.results.piqa.acc === 'number' || typeof a.results.piqa['acc,none'] === 'number', JSON.stringify(a.results.piqa));
  assert.deepEqual(a.results, b.results);
});
