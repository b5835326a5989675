/**
 * A sentencepiece-BPE tokenizer (Llama's) from a vocabulary of pieces, scores and token types, as
 * llama.cpp's SPM tokenizer and llama2.c's encoder apply it:
 *   - special tokens (control and user-defined pieces, e.g. `<s>`) written in the text are split
 *     out first and map to their ids;
 *   - each remaining text fragment that starts the text or follows a special token gets one
 *     leading space (the "dummy prefix", when addSpacePrefix), then every space becomes `▁`;
 *   - the fragment is split into Unicode code points, and the adjacent pair whose concatenation is
 *     a piece with the highest score is merged, the leftmost on ties, until no pair merges;
 *   - a code point that is not a piece is written as its UTF-8 bytes with the `<0xNN>` byte tokens.
 * Decoding concatenates the pieces (`▁` -> space, byte tokens -> their bytes, UTF-8 decoded) and
 * removes one leading space from the first non-special token (sentencepiece's dummy prefix; llama2.c
 * strips it after BOS), so decode(encode(text)) === text.
 */
import { createHash } from 'node:crypto';
import type { Tokenizer } from './types.ts';

/** sentencepiece piece types (GGUF `tokenizer.ggml.token_type`). */
export const SPM_TYPES = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

export interface SpmVocabulary {
  readonly source: string;
  readonly pieces: readonly string[];
  readonly scores: readonly number[];
  readonly types: readonly number[];
  readonly bosTokenId: number | null;
  readonly eosTokenId: number;
  readonly padTokenId: number | null;
  readonly unkTokenId: number | null;
  readonly addSpacePrefix: boolean;
}

const SPACE = '\u2581';   // ▁

/** Max-heap entry: a candidate merge of symbols left and right. */
interface Bigram { readonly left: number; readonly right: number; readonly score: number; readonly len: number }

function better(a: Bigram, b: Bigram): boolean {
  return a.score > b.score || (a.score === b.score && a.left < b.left);
}

class Heap {
  private readonly a: Bigram[] = [];
  get size(): number { return this.a.length; }
  push(x: Bigram): void {
    const a = this.a; a.push(x);
    for (let i = a.length - 1; i > 0;) { const p = (i - 1) >> 1; if (!better(a[i]!, a[p]!)) break; [a[i], a[p]] = [a[p]!, a[i]!]; i = p; }
  }
  pop(): Bigram {
    const a = this.a, top = a[0]!, last = a.pop()!;
    if (a.length) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1, r = l + 1; let m = i;
        if (l < a.length && better(a[l]!, a[m]!)) m = l;
        if (r < a.length && better(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!]; i = m;
      }
    }
    return top;
  }
}

export function createSpmTokenizer(v: SpmVocabulary): Tokenizer {
  const n = v.pieces.length;
  if (v.scores.length !== n || v.types.length !== n) throw new Error(`${v.source}: ${n} pieces but ${v.scores.length} scores and ${v.types.length} token types`);
  const mergeable = new Map<string, number>();   // normal / user-defined piece -> id
  const special: { text: string; id: number }[] = [];
  const byteId = new Int32Array(256).fill(-1);
  for (let id = 0; id < n; id++) {
    const p = v.pieces[id]!, t = v.types[id]!;
    if (t === SPM_TYPES.byte) {
      const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(p);
      if (!m) throw new Error(`${v.source}: token ${id} ${JSON.stringify(p)} has type byte but is not <0xNN>`);
      byteId[parseInt(m[1]!, 16)] = id;
    } else if (t === SPM_TYPES.control || t === SPM_TYPES.userDefined) {
      if (p.length > 0) special.push({ text: p, id });
      if (t === SPM_TYPES.userDefined && !mergeable.has(p)) mergeable.set(p, id);
    } else if (t === SPM_TYPES.normal && !mergeable.has(p)) mergeable.set(p, id);
  }
  special.sort((a, b) => b.text.length - a.text.length);   // longest match first

  const encodeFragment = (text: string, out: number[]): void => {
    const sym = Array.from(text.replaceAll(' ', SPACE));        // code points
    if (sym.length === 0) return;
    const prev = sym.map((_, i) => i - 1), next = sym.map((_, i) => (i + 1 < sym.length ? i + 1 : -1));
    const heap = new Heap();
    const tryAdd = (l: number, r: number) => {
      if (l < 0 || r < 0) return;
      const id = mergeable.get(sym[l]! + sym[r]!);
      if (id !== undefined) heap.push({ left: l, right: r, score: v.scores[id]!, len: sym[l]!.length + sym[r]!.length });
    };
    for (let i = 1; i < sym.length; i++) tryAdd(i - 1, i);
    while (heap.size) {
      const b = heap.pop();
      // Stale: one side was merged away or changed since this pair was queued.
      if (sym[b.left] === '' || sym[b.right] === '' || sym[b.left]!.length + sym[b.right]!.length !== b.len || next[b.left] !== b.right) continue;
      sym[b.left] = sym[b.left]! + sym[b.right]!;
      sym[b.right] = '';
      next[b.left] = next[b.right]!;
      if (next[b.left]! >= 0) prev[next[b.left]!] = b.left;
      tryAdd(prev[b.left]!, b.left);
      tryAdd(b.left, next[b.left]!);
    }
    for (let i = 0; i >= 0; i = next[i]!) {
      const id = mergeable.get(sym[i]!);
      if (id !== undefined) { out.push(id); continue; }
      for (const byte of Buffer.from(sym[i]!, 'utf8')) {
        const bid = byteId[byte]!;
        if (bid >= 0) out.push(bid);
        else if (v.unkTokenId !== null) out.push(v.unkTokenId);
        else throw new Error(`${v.source}: cannot encode byte 0x${byte.toString(16)} (no byte token and no unknown token)`);
      }
    }
  };

  const encode = (text: string): number[] => {
    const out: number[] = [];
    let start = 0, prevSpecial = true;
    const flush = (end: number) => {
      if (end <= start) return;
      encodeFragment((v.addSpacePrefix && prevSpecial ? ' ' : '') + text.slice(start, end), out);
      prevSpecial = false;
    };
    for (let i = 0; i < text.length;) {
      const s = special.find((x) => text.startsWith(x.text, i));
      if (!s) { i++; continue; }
      flush(i);
      out.push(s.id);
      prevSpecial = true;
      i += s.text.length;
      start = i;
    }
    flush(text.length);
    return out;
  };

  const decode = (ids: readonly number[]): string => {
    const parts: Buffer[] = [];
    let leading = v.addSpacePrefix;
    for (const id of ids) {
      if (!(Number.isInteger(id) && id >= 0 && id < n)) throw new Error(`${v.source}: token id ${id} is not in the vocabulary (size ${n})`);
      const t = v.types[id]!;
      if (t === SPM_TYPES.byte) { parts.push(Buffer.from([parseInt(v.pieces[id]!.slice(3, 5), 16)])); leading = false; continue; }
      let s = v.pieces[id]!;
      if (t !== SPM_TYPES.control) {
        s = s.replaceAll(SPACE, ' ');
        if (leading && s.startsWith(' ')) s = s.slice(1);
        leading = false;
      }
      parts.push(Buffer.from(s, 'utf8'));
    }
    return Buffer.concat(parts).toString('utf8');
  };

  const h = createHash('sha256');
  h.update(JSON.stringify({ kind: 'spm', pieces: v.pieces, scores: v.scores, types: v.types, bos: v.bosTokenId, eos: v.eosTokenId, pad: v.padTokenId, unk: v.unkTokenId, prefix: v.addSpacePrefix }));
  return {
    source: v.source,
    fingerprint: h.digest('hex').slice(0, 16),
    vocabSize: n,
    eosTokenId: v.eosTokenId,
    bosTokenId: v.bosTokenId,
    padTokenId: v.padTokenId,
    encode,
    decode,
    tokens: (ids) => ids.map((id) => {
      const p = v.pieces[id];
      if (p === undefined) throw new Error(`${v.source}: token id ${id} is not in the vocabulary (size ${n})`);
      return p;
    }),
  };
}
