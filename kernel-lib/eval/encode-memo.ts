/**
 * Memoised tokenizer.encode for evaluation: a document's context is encoded once for every choice
 * (encode-request.ts encodes the context alone and context + continuation), and the study
 * evaluates the same documents with ten checkpoints that share a tokenizer. Entries are kept per
 * tokenizer fingerprint (the tokenizer's content hash), for the two most recently used
 * tokenizers; the ids returned are shared between callers and must not be modified.
 */
import type { Tokenizer } from '../tokenizer/types.ts';

const MAX_TOKENIZERS = 2;
const memos = new Map<string, Map<string, readonly number[]>>();   // fingerprint -> text -> ids

/** `text -> ids` for `tokenizer`, memoised across calls while the tokenizer is among the recent two. */
export function memoEncode(tokenizer: Tokenizer): (text: string) => readonly number[] {
  let memo = memos.get(tokenizer.fingerprint);
  if (memo) memos.delete(tokenizer.fingerprint);
  else memo = new Map();
  memos.set(tokenizer.fingerprint, memo);   // most recent last
  while (memos.size > MAX_TOKENIZERS) memos.delete(memos.keys().next().value!);
  const m = memo;
  return (text) => {
    let ids = m.get(text);
    if (!ids) { ids = tokenizer.encode(text); m.set(text, ids); }
    return ids;
  };
}
