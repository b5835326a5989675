/**
 * Tokenize records and pack them into fixed-length training blocks (nanoGPT style: one token
 * stream, cut into windows), with EOS separators and a loss mask.
 *
 * Stream layout: EOS, rec1 tokens, EOS, rec2 tokens, EOS, ... Block k holds stream positions
 * [kT, kT + T] (T + 1 ids): inputs are ids[0..T-1], targets ids[1..T], and mask[t] says whether
 * the target ids[t + 1] is trained. Consecutive blocks share one boundary id, so every stream
 * token after the leading EOS is a target exactly once. Mask: LM text -> every token and its EOS;
 * prompt/target records -> the target tokens (and the EOS that ends them when `maskEos`), never
 * the prompt. The last partial block is padded with EOS and mask 0 unless `dropRemainder`.
 */
import type { Tokenizer } from '../tokenizer/types.ts';

/** An LM corpus document (train on everything) or a formatted fine-tuning record. */
export type PackRecord = { readonly text: string } | { readonly prompt: string; readonly target: string };

/** A record as tokens: ids (ending with EOS) and per-token mask (1 = trained as a target). */
export interface TokenizedRecord {
  readonly ids: Int32Array;
  readonly mask: Uint8Array;
}

/** One training block: `ids` [T+1] (inputs ids[0..T-1], targets ids[1..T]), `mask` [T]. */
export interface Block {
  readonly ids: Int32Array;
  readonly mask: Uint8Array;
}

export interface PackConfig {
  /** T: tokens per block (the model's context length or less). */
  readonly blockSize: number;
  /** Train on the EOS that ends a prompt/target record (teaches the model to stop). */
  readonly maskEos: boolean;
  /** Drop the last partial block instead of padding it with EOS (mask 0). */
  readonly dropRemainder: boolean;
}

export const packDefaults: PackConfig = {
  blockSize: 1024,
  maskEos: true,
  dropRemainder: false,
};

function validatePackConfig(c: PackConfig): void {
  if (!Number.isInteger(c.blockSize) || c.blockSize < 1) {
    throw new Error(`pack config: 'blockSize' must be a positive integer, got ${c.blockSize}`);
  }
}

/**
 * Tokens of one record followed by EOS. Prompt and target are encoded separately and
 * concatenated, so the prompt/target boundary is exact (formatters start targets with a space,
 * as the harness's target delimiter does).
 */
export function tokenizeRecord(record: PackRecord, tokenizer: Tokenizer, maskEos = packDefaults.maskEos): TokenizedRecord {
  const eos = tokenizer.eosTokenId;
  if ('text' in record) {
    if (typeof record.text !== 'string') throw new Error(`tokenizeRecord: 'text' must be a string`);
    const t = tokenizer.encode(record.text);
    const ids = new Int32Array(t.length + 1);
    ids.set(t);
    ids[t.length] = eos;
    return { ids, mask: new Uint8Array(ids.length).fill(1) };
  }
  if (typeof record.prompt !== 'string' || typeof record.target !== 'string') {
    throw new Error(`tokenizeRecord: a record needs string 'text' or string 'prompt' and 'target'`);
  }
  const p = tokenizer.encode(record.prompt);
  const t = tokenizer.encode(record.target);
  const ids = new Int32Array(p.length + t.length + 1);
  ids.set(p);
  ids.set(t, p.length);
  ids[ids.length - 1] = eos;
  const mask = new Uint8Array(ids.length);
  mask.fill(1, p.length, p.length + t.length);
  mask[ids.length - 1] = maskEos ? 1 : 0;
  return { ids, mask };
}

function isTokenized(r: PackRecord | TokenizedRecord): r is TokenizedRecord {
  return (r as TokenizedRecord).ids instanceof Int32Array;
}

/**
 * Packs a stream of records into blocks (streaming: holds one block and one record at a time).
 * Records may be already tokenized (e.g. from the token cache); otherwise `tokenizer` is needed.
 */
export async function* packBlocks(
  records: Iterable<PackRecord | TokenizedRecord> | AsyncIterable<PackRecord | TokenizedRecord>,
  options: Partial<PackConfig> & { readonly tokenizer?: Tokenizer; readonly eosTokenId?: number },
): AsyncGenerator<Block> {
  const config: PackConfig = { ...packDefaults, ...options };
  validatePackConfig(config);
  const eos = options.eosTokenId ?? options.tokenizer?.eosTokenId;
  if (eos === undefined) throw new Error(`packBlocks: pass 'tokenizer' or 'eosTokenId'`);
  const T = config.blockSize;
  let ids = new Int32Array(T + 1);
  let mask = new Uint8Array(T);
  ids[0] = eos;
  let fill = 1; // ids written so far in the current block
  let index = 0;
  for await (const r of records) {
    let tok: TokenizedRecord;
    if (isTokenized(r)) tok = r;
    else {
      if (!options.tokenizer) throw new Error(`packBlocks: record ${index} is text but no 'tokenizer' was given`);
      tok = tokenizeRecord(r, options.tokenizer, config.maskEos);
    }
    if (tok.mask.length !== tok.ids.length) {
      throw new Error(`packBlocks: record ${index}: mask length ${tok.mask.length} != ids length ${tok.ids.length}`);
    }
    let i = 0;
    while (i < tok.ids.length) {
      const n = Math.min(T + 1 - fill, tok.ids.length - i);
      ids.set(tok.ids.subarray(i, i + n), fill);
      mask.set(tok.mask.subarray(i, i + n), fill - 1);
      fill += n;
      i += n;
      if (fill === T + 1) {
        yield { ids, mask };
        const last = ids[T]!;
        ids = new Int32Array(T + 1);
        mask = new Uint8Array(T);
        ids[0] = last;
        fill = 1;
      }
    }
    index++;
  }
  if (fill > 1 && !config.dropRemainder) {
    ids.fill(eos, fill);
    yield { ids, mask };
  }
}
