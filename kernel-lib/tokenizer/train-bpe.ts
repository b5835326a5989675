/**
 * Trains a byte-level BPE vocabulary (GPT-2's scheme) on a corpus: the text is split into words
 * by GPT-2's pre-tokenization regex, each word's UTF-8 bytes are mapped to GPT-2's printable
 * byte alphabet, and the most frequent adjacent pair of symbols is merged until the vocabulary
 * holds `vocabSize` entries (256 bytes + merges + `<|endoftext|>`, the last id).
 * Ties between equally frequent pairs go to the pair whose first appearance in the corpus is
 * earliest (deterministic for a corpus). The result is GPT-2's `vocab.json` + `merges.txt` pair,
 * which `gpt2TokenizerFiles` turns into a Hugging Face `tokenizer.json`.
 */

/** GPT-2's pre-tokenization pattern (contractions, letters, digits, other, whitespace). */
export const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's bytes_to_unicode: printable bytes map to themselves, the others to U+0100 upwards. */
export function byteAlphabet(): string[] {
  const printable = (b: number): boolean => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) out.push(String.fromCodePoint(printable(b) ? b : next++));
  return out;
}

export interface BpeVocabulary {
  /** token -> id: the 256 byte symbols (in byte order), then one per merge, then `<|endoftext|>`. */
  readonly vocab: Record<string, number>;
  /** The merges in order, each "left right" (one more than new tokens when two merges spell one). */
  readonly merges: readonly string[];
  /** Merges the corpus ran out of pairs before (the vocabulary is then smaller than asked). */
  readonly shortBy: number;
}

export const EOS_TOKEN = '<|endoftext|>';

/** Trains on `texts` to `vocabSize` entries (>= 257: the bytes and the end-of-text token). */
export function trainByteLevelBpe(texts: Iterable<string>, vocabSize: number): BpeVocabulary {
  if (!Number.isInteger(vocabSize) || vocabSize < 257) throw new Error(`trainByteLevelBpe: vocabSize must be an integer >= 257 (256 bytes + end of text), got ${vocabSize}`);
  const alphabet = byteAlphabet();
  const encoder = new TextEncoder();
  // unique words with their counts, in order of first appearance
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const m of text.matchAll(GPT2_SPLIT)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  }
  const words: string[][] = [];
  const freq: number[] = [];
  for (const [w, c] of counts) {
    words.push([...encoder.encode(w)].map((b) => alphabet[b]!));
    freq.push(c);
  }
  // pair key -> count, first-seen rank (for ties), and the words that hold it
  const pairCount = new Map<string, number>();
  const pairRank = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  const SEP = '\u0000';
  const addPairs = (wi: number, sign: 1 | -1): void => {
    const w = words[wi]!;
    for (let i = 0; i + 1 < w.length; i++) {
      const key = w[i]! + SEP + w[i + 1]!;
      pairCount.set(key, (pairCount.get(key) ?? 0) + sign * freq[wi]!);
      if (sign === 1) {
        if (!pairRank.has(key)) pairRank.set(key, pairRank.size);
        let s = pairWords.get(key);
        if (!s) pairWords.set(key, (s = new Set()));
        s.add(wi);
      }
    }
  };
  for (let wi = 0; wi < words.length; wi++) addPairs(wi, 1);

  const vocab: Record<string, number> = {};
  alphabet.forEach((s, i) => { vocab[s] = i; });
  const merges: string[] = [];
  let nextId = 256;
  const wanted = vocabSize - 257;
  while (nextId - 256 < wanted) {
    let best: string | null = null;
    let bestCount = 0;
    let bestRank = Infinity;
    for (const [key, c] of pairCount) {
      if (c > bestCount || (c === bestCount && c > 0 && pairRank.get(key)! < bestRank)) { best = key; bestCount = c; bestRank = pairRank.get(key)!; }
    }
    if (best === null || bestCount <= 0) break;
    const [left, right] = best.split(SEP) as [string, string];
    const merged = left + right;
    merges.push(`${left} ${right}`);
    if (vocab[merged] === undefined) vocab[merged] = nextId++; // two merge paths can spell one token
    for (const wi of pairWords.get(best)!) {
      const w = words[wi]!;
      let has = false;
      for (let i = 0; i + 1 < w.length; i++) if (w[i] === left && w[i + 1] === right) { has = true; break; }
      if (!has) continue;
      addPairs(wi, -1);
      const out: string[] = [];
      for (let i = 0; i < w.length; i++) {
        if (i + 1 < w.length && w[i] === left && w[i + 1] === right) { out.push(merged); i++; } else out.push(w[i]!);
      }
      words[wi] = out;
      addPairs(wi, 1);
    }
    pairCount.delete(best);
    pairWords.delete(best);
  }
  vocab[EOS_TOKEN] = nextId;
  return { vocab, merges, shortBy: wanted - (nextId - 256) };
}
