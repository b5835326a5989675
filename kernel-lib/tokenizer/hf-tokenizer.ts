/**
 * A Tokenizer (tokenizer/types.ts) backed by @huggingface/tokenizers, built from a Hugging Face
 * `tokenizer.json` object (+ `tokenizer_config.json`), or from GPT-2-style `vocab.json` +
 * `merges.txt`, which are turned into the `tokenizer.json` that Hugging Face's GPT-2 ships:
 * byte-level pre-tokenizer (no prefix space, GPT-2 regex), BPE model, byte-level decoder, and
 * `<|endoftext|>` as the one added special token.
 */
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { sha256, stableStringify } from '../runtime/files.ts';
import type { Tokenizer } from './types.ts';

export interface TokenizerFiles {
  /** The parsed tokenizer.json. */
  readonly tokenizerJson: Record<string, unknown>;
  /** The parsed tokenizer_config.json ({} when absent). */
  readonly tokenizerConfig: Record<string, unknown>;
}

/** GPT-2 vocab.json + merges.txt -> the tokenizer.json / tokenizer_config.json pair Hugging Face uses. */
export function gpt2TokenizerFiles(vocab: Record<string, number>, mergesText: string, source: string): TokenizerFiles {
  const merges = mergesText.split('\n').filter((line, i) => line.length > 0 && !(i === 0 && line.startsWith('#version')));
  for (const [i, m] of merges.entries()) {
    if (m.split(' ').length !== 2) throw new Error(`${source}: merges line ${i + 2} is not two space-separated symbols: ${JSON.stringify(m)}`);
  }
  const eos = '<|endoftext|>';
  const eosId = vocab[eos];
  if (eosId === undefined) throw new Error(`${source}: vocab has no ${eos} token`);
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    tokenizerJson: {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [{ id: eosId, content: eos, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
      normalizer: null,
      pre_tokenizer: byteLevel,
      post_processor: { ...byteLevel, trim_offsets: false },
      decoder: byteLevel,
      model: {
        type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '',
        fuse_unk: false, byte_fallback: false, vocab, merges,
      },
    },
    tokenizerConfig: { model_max_length: 1024, bos_token: eos, eos_token: eos, unk_token: eos, add_prefix_space: false, clean_up_tokenization_spaces: false },
  };
}

function specialId(hf: HfTokenizer, config: Record<string, unknown>, key: string): number | null {
  const v = config[key];
  const content = typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string' ? (v as { content: string }).content : null;
  if (content === null) return null;
  return hf.token_to_id(content) ?? null;
}

/**
 * Whether the tokenizer starts encoded text with BOS as transformers' does: tokenizer_config.json
 * `add_bos_token` when it is set (transformers rebuilds the post-processor from it), else what
 * tokenizer.json's post-processor adds to a one-word text.
 */
function addsBos(hf: HfTokenizer, config: Record<string, unknown>, bos: number | null, source: string): boolean {
  const flag = config.add_bos_token;
  if (flag !== undefined && flag !== null && typeof flag !== 'boolean') throw new Error(`${source}: tokenizer_config.json add_bos_token must be a boolean, got ${JSON.stringify(flag)}`);
  if (bos === null) return false;
  if (typeof flag === 'boolean') return flag;
  const plain = hf.encode('a', { add_special_tokens: false }).ids, special = hf.encode('a', { add_special_tokens: true }).ids;
  return special.length > plain.length && special[0] === bos && plain[0] !== bos;
}

/**
 * Wraps tokenizer files as a Tokenizer. `ids` overrides special ids (e.g. from the model's config.json,
 * which is what transformers uses for generation/eos: OLMo's eos 50279, pad 1).
 */
export function createHfTokenizer(files: TokenizerFiles, source: string, ids: { eos?: number; bos?: number | null; pad?: number | null } = {}): Tokenizer {
  const config = { clean_up_tokenization_spaces: false, ...files.tokenizerConfig };
  let hf: HfTokenizer;
  try {
    hf = new HfTokenizer(files.tokenizerJson, config);
  } catch (e) {
    throw new Error(`${source}: not a usable tokenizer.json: ${e instanceof Error ? e.message : String(e)}`);
  }
  const eos = ids.eos ?? specialId(hf, config, 'eos_token');
  if (eos === null || eos === undefined) throw new Error(`${source}: no eos token (tokenizer_config.json eos_token, or the model config's eos_token_id)`);
  const vocab = hf.get_vocab(true);
  let vocabSize = 0;
  for (const id of vocab.values()) vocabSize = Math.max(vocabSize, id + 1);
  const bos = ids.bos !== undefined ? ids.bos : specialId(hf, config, 'bos_token');
  const fingerprint = sha256(stableStringify({ model: files.tokenizerJson.model, added: files.tokenizerJson.added_tokens, pre: files.tokenizerJson.pre_tokenizer, norm: files.tokenizerJson.normalizer })).slice(0, 16);
  return {
    source,
    fingerprint,
    vocabSize,
    eosTokenId: eos,
    bosTokenId: bos,
    addBosToken: addsBos(hf, config, bos, source),
    padTokenId: ids.pad !== undefined ? ids.pad : specialId(hf, config, 'pad_token'),
    encode: (text) => hf.encode(text, { add_special_tokens: false }).ids,
    decode: (tokenIds) => hf.decode([...tokenIds], { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
    tokens: (tokenIds) => tokenIds.map((id) => {
      const t = hf.id_to_token(id);
      if (t === undefined) throw new Error(`${source}: token id ${id} is not in the vocabulary (size ${vocabSize})`);
      return t;
    }),
  };
}
