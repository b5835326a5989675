/** The tokenizer contract shared by data packing, evaluation and the CLI. */
export interface Tokenizer {
  /** Where the vocabulary came from (file path or package), for provenance and cache keys. */
  readonly source: string;
  /** Stable hash of the vocabulary + merges + special tokens: part of every token-cache key. */
  readonly fingerprint: string;
  readonly vocabSize: number;
  readonly eosTokenId: number;
  readonly bosTokenId: number | null;
  readonly padTokenId: number | null;
  /** Whether the model's own tokenizer starts encoded text with BOS (HF tokenizer_config `add_bos_token`
   *  or its tokenizer.json post-processor; GGUF `tokenizer.ggml.add_bos_token`). `encode` never adds it;
   *  generation follows it (generate/generate.ts), scoring does not. Absent = false. */
  readonly addBosToken?: boolean;
  /** Text -> ids exactly as Hugging Face's tokenizer does with add_special_tokens=false
   *  (special tokens such as `<|endoftext|>` written in the text are recognised). */
  encode(text: string): number[];
  /** Ids -> text (inverse of encode for byte-level BPE). */
  decode(ids: readonly number[]): string;
  /** Ids -> token strings as in the vocabulary (e.g. `Ġthe`). */
  tokens(ids: readonly number[]): string[];
}
