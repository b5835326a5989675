// Generation starts a non-empty prompt with BOS when the model's own tokenizer adds it, as the
// formats say: GGUF `tokenizer.ggml.add_bos_token` (absent: added for a sentencepiece 'llama'
// vocabulary, llama.cpp's default; llama2.c's run.c encodes every prompt with BOS, id 1), HF
// tokenizer_config `add_bos_token`, else what tokenizer.json's post-processor adds. GPT-2's
// tokenizer adds nothing. `encode` itself never adds BOS (scoring stays as lm-eval's).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, loadModel, loadTokenizer, generate } from '../../kernel-lib/index.ts';
import { disposeModel } from '../../kernel-lib/model/dispose-model.ts';
import { loadGgufTokenizer } from '../../kernel-lib/tokenizer/gguf-tokenizer.ts';
import { createHfTokenizer, gpt2TokenizerFiles } from '../../kernel-lib/tokenizer/hf-tokenizer.ts';
import { generationPromptIds } from '../../kernel-lib/generate/generate.ts';
import { ggufBytes, type GgufMeta } from '../helpers/gguf-writer.ts';
import { markovLlama, tokenizer } from '../helpers/markov-llama.ts';
import { PUBLISHED } from '../helpers/stories260k-sample.ts';

before(async () => { await initBackend({ quiet: true }); });

const REAL = process.env.LAB_REAL_DATA;

test('generationPromptIds: BOS in front of a non-empty prompt only when the tokenizer adds it, never twice', () => {
  const plain = tokenizer(1), adds = { ...tokenizer(1), addBosToken: true };
  assert.deepEqual(plain.encode('a b'), [3, 4]);
  assert.deepEqual(generationPromptIds(plain, 'a b'), [3, 4]);
  assert.deepEqual(generationPromptIds(adds, 'a b'), [1, 3, 4]);
  assert.deepEqual(adds.encode('a b'), [3, 4], 'encode (what scoring uses) is unchanged');
  assert.deepEqual(generationPromptIds(adds, '<s>a b'), [1, 3, 4], 'a prompt written with <s> keeps one BOS');
  assert.deepEqual(generationPromptIds(adds, ''), [1]);
  assert.deepEqual(generationPromptIds(plain, ''), [1]);
  assert.deepEqual(generationPromptIds({ ...tokenizer(null), addBosToken: true }, 'a'), [3], 'no BOS in the vocabulary: nothing to add');
  const model = markovLlama();
  try {
    assert.deepEqual(generate(model, adds, 'a', { maxNewTokens: 2 }).promptIds, [1, 3]);
    assert.deepEqual(generate(model, plain, 'a', { maxNewTokens: 2 }).promptIds, [3]);
  } finally {
    disposeModel(model);
  }
});

function spmGguf(extra: GgufMeta[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-bos-'));
  const file = join(dir, 'tok.gguf');
  writeFileSync(file, ggufBytes([
    { key: 'general.architecture', type: 'str', value: 'llama' },
    { key: 'tokenizer.ggml.model', type: 'str', value: 'llama' },
    { key: 'tokenizer.ggml.tokens', type: 'str[]', value: ['<unk>', '<s>', '</s>', '\u2581a', 'a'] },
    { key: 'tokenizer.ggml.scores', type: 'f32[]', value: [0, 0, 0, -1, -2] },
    { key: 'tokenizer.ggml.token_type', type: 'i32[]', value: [2, 3, 3, 1, 1] },
    { key: 'tokenizer.ggml.bos_token_id', type: 'u32', value: 1 },
    { key: 'tokenizer.ggml.eos_token_id', type: 'u32', value: 2 },
    ...extra,
  ], []));
  return file;
}

test('GGUF: tokenizer.ggml.add_bos_token read when present, true for a sentencepiece vocabulary without it; a non-boolean names the key', () => {
  assert.equal(loadGgufTokenizer(spmGguf([])).addBosToken, true);
  assert.equal(loadGgufTokenizer(spmGguf([{ key: 'tokenizer.ggml.add_bos_token', type: 'bool', value: false }])).addBosToken, false);
  assert.equal(loadGgufTokenizer(spmGguf([{ key: 'tokenizer.ggml.add_bos_token', type: 'bool', value: true }])).addBosToken, true);
  assert.throws(() => loadGgufTokenizer(spmGguf([{ key: 'tokenizer.ggml.add_bos_token', type: 'u32', value: 1 }])), /tok\.gguf: metadata 'tokenizer\.ggml\.add_bos_token' must be a boolean/);
});

test('HF: add_bos_token from tokenizer_config.json, else the post-processor; GPT-2 adds none', () => {
  const gpt2 = gpt2TokenizerFiles({ a: 0, b: 1, '<|endoftext|>': 2 }, '', 'gpt2-like');
  assert.equal(createHfTokenizer(gpt2, 'gpt2-like').addBosToken, false, 'GPT-2: bos_token is <|endoftext|> but nothing is added');
  // A Llama-style tokenizer.json: <s> / </s> added tokens and a TemplateProcessing post-processor that puts <s> first.
  const added = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const json = {
    ...gpt2.tokenizerJson,
    added_tokens: [added(3, '<s>'), added(4, '</s>')],
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [3], tokens: ['<s>'] } },
    },
    model: { ...(gpt2.tokenizerJson.model as object), vocab: { a: 0, b: 1, '<|endoftext|>': 2, '<s>': 3, '</s>': 4 } },
  };
  const config = { bos_token: '<s>', eos_token: '</s>' };
  const llama = createHfTokenizer({ tokenizerJson: json, tokenizerConfig: config }, 'llama-like');
  assert.equal(llama.bosTokenId, 3);
  assert.equal(llama.addBosToken, true, 'the post-processor adds <s>');
  assert.deepEqual(llama.encode('ab'), [0, 1], 'encode adds nothing');
  assert.deepEqual(generationPromptIds(llama, 'ab'), [3, 0, 1]);
  assert.equal(createHfTokenizer({ tokenizerJson: json, tokenizerConfig: { ...config, add_bos_token: false } }, 'llama-like').addBosToken, false);
  assert.equal(createHfTokenizer({ tokenizerJson: gpt2.tokenizerJson, tokenizerConfig: { ...config, eos_token: '<|endoftext|>', bos_token: '<|endoftext|>', add_bos_token: true } }, 'x').addBosToken, true);
  assert.throws(() => createHfTokenizer({ tokenizerJson: json, tokenizerConfig: { ...config, add_bos_token: 'yes' } }, 'cfg-src'), /cfg-src: tokenizer_config.json add_bos_token must be a boolean/);
});

test('stories260K: a plain prompt continues as llama2.c\'s run.c does (BOS first): its published greedy sample', { skip: REAL ? false : 'LAB_REAL_DATA unset: needs the real stories260K GGUF' }, async () => {
  const gguf = join(REAL!, 'stories260K', 'stories260K.gguf');
  const model = await loadModel(gguf);
  try {
    const tok = loadTokenizer(gguf);
    assert.equal(tok.addBosToken, true, 'stories260K.gguf has no add_bos_token key: llama.cpp adds BOS');
    const g = generate(model, tok, 'Once upon a time', { maxNewTokens: 30 });
    assert.equal(g.promptIds[0], 1);
    // run.c from BOS greedily writes "Once upon a time, there was ..." (PUBLISHED), so from BOS + the prompt it continues the same way.
    const rest = PUBLISHED.slice('Once upon a time'.length);
    assert.ok(g.text.length > 40 && rest.startsWith(g.text), `continuation ${JSON.stringify(g.text)} is not the published ${JSON.stringify(rest.slice(0, 120))}`);
  } finally {
    disposeModel(model);
  }
});
