import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer } from '../../kernel-lib/index.ts';

/** GPT-2 / GPT-NeoX byte -> printable character table (the byte-level BPE alphabet). */
function byteChars(): string[] {
  const keep: number[] = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const out: string[] = new Array(256);
  let n = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCodePoint(keep.includes(b) ? b : 256 + n++);
  return out;
}

/**
 * A small tokenizer.json in the layout of OLMo-1B-hf's (GPT-NeoX-20B-derived): NFC normalizer,
 * ByteLevel pre-tokenizer/decoder without prefix space, BPE; added tokens |||IP_ADDRESS||| (0),
 * <|padding|> (1) and <|endoftext|> (50279) at the ids OLMo uses (docs/pruning-facts.md section 4).
 * The vocabulary is cut down to the 256 byte symbols (ids 2..257) plus a few merges.
 */
function writeOlmoLikeTokenizer(dir: string): Record<string, number> {
  const vocab: Record<string, number> = {};
  byteChars().forEach((c, i) => { vocab[c] = 2 + i; });
  const merges = ['Ġ w', 'o r', 'Ġw or', 'l d', 'Ġwor ld', 'H e', 'l l', 'He ll', 'Hell o'];
  let next = 258;
  for (const m of merges) vocab[m.replace(' ', '')] = next++;
  const added = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({
    version: '1.0', truncation: null, padding: null,
    added_tokens: [added(0, '|||IP_ADDRESS|||'), added(1, '<|padding|>'), added(50279, '<|endoftext|>')],
    normalizer: { type: 'NFC' }, pre_tokenizer: byteLevel, post_processor: { ...byteLevel, trim_offsets: false }, decoder: byteLevel,
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, vocab, merges },
  }));
  // OLMo-1B-hf's tokenizer_config.json keys that matter here
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({
    tokenizer_class: 'GPTNeoXTokenizer', add_bos_token: false, add_eos_token: false, bos_token: null,
    eos_token: '<|endoftext|>', pad_token: '<|padding|>', unk_token: null, clean_up_tokenization_spaces: true, model_max_length: 1e30,
  }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'olmo', vocab_size: 50304, eos_token_id: 50279, pad_token_id: 1, bos_token_id: null }));
  return vocab;
}

test('an OLMo (GPT-NeoX BPE) tokenizer.json loads with eos 50279 and pad 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'olmo-tok-'));
  const vocab = writeOlmoLikeTokenizer(dir);
  const tok = loadTokenizer(dir);
  assert.equal(tok.eosTokenId, 50279);
  assert.equal(tok.padTokenId, 1);
  assert.equal(tok.bosTokenId, null);
  // Hand-derived: "Hello" merges to one token, " world" to "Ġworld"; the special token is matched whole.
  const ids = tok.encode('Hello world<|endoftext|>');
  assert.deepEqual(ids, [vocab['Hello'], vocab['Ġworld'], 50279]);
  assert.deepEqual(tok.tokens(ids), ['Hello', 'Ġworld', '<|endoftext|>']);
  // unmerged text falls back to byte symbols: "Hi" = H, i (id = 2 + byte value in this vocabulary)
  assert.deepEqual(tok.encode('Hi'), [2 + 72, 2 + 105]);
  assert.equal(tok.decode(tok.encode('Hello world')), 'Hello world');
  assert.deepEqual(tok.encode('<|padding|>'), [1]);
});
