/**
 * Runs an exported decoder file (engine/export-onnx.ts, or any model.onnx with transformers.js'
 * causal-LM names) on onnxruntime: cache shapes are read from the file's input metadata, so
 * this knows nothing of the model that wrote it. Used to check and measure exported folders.
 */
import { loadOrt, type OrtTensor } from './ort-runtime.ts';
import { openSession } from './ort-sessions.ts';

export interface OnnxDecoderFile {
  /** ids [B, T] (row-major) after the cached positions of `past` (null = none) -> logits [B, T, V] and the new cache. */
  run(ids: readonly number[], past: Map<string, OrtTensor> | null, B?: number): { logits: Float32Array; present: Map<string, OrtTensor> };
  readonly vocabSize: number;
  dispose(): void;
}

interface Meta { name: string; shape: number[] }

export function openOnnxDecoder(file: string): OnnxDecoderFile {
  const { ort, reason } = loadOrt();
  if (!ort) throw new Error(`openOnnxDecoder: ${reason}`);
  const session = openSession(ort, file) as ReturnType<typeof openSession> & { inputMetadata: Meta[]; outputMetadata: Meta[] };
  const pasts = session.inputMetadata.filter((m) => m.name.startsWith('past_key_values.'));
  const logitsMeta = session.outputMetadata.find((m) => m.name === 'logits');
  if (!logitsMeta) throw new Error(`${file}: no 'logits' output`);
  const V = logitsMeta.shape.at(-1)!;
  const i64 = (v: readonly number[]) => BigInt64Array.from(v, (x) => BigInt(x));
  return {
    vocabSize: V,
    run(ids, past, B = 1) {
      const T = ids.length / B;
      const P = past && pasts.length ? past.get(pasts[0]!.name.replace('past_key_values.', 'present.'))!.dims[2]! : 0;
      const feeds: Record<string, OrtTensor> = {
        input_ids: ort.tensor('int64', i64(ids), [B, T]),
        attention_mask: ort.tensor('int64', i64(new Array(B * (P + T)).fill(1)), [B, P + T]),
      };
      if (session.inputMetadata.some((m) => m.name === 'position_ids')) feeds.position_ids = ort.tensor('int64', i64(ids.map((_, k) => P + (k % T))), [B, T]);
      const fetches: Record<string, null> = { logits: null };
      for (const m of pasts) {
        const present = m.name.replace('past_key_values.', 'present.');
        feeds[m.name] = past ? past.get(present)! : ort.tensor('float32', new Float32Array(0), [B, m.shape[1]!, 0, m.shape[3]!]);
        fetches[present] = null;
      }
      const out = session.run(feeds, fetches, {});
      const present = new Map<string, OrtTensor>();
      for (const k of Object.keys(fetches)) if (k !== 'logits') present.set(k, out[k]!);
      return { logits: out.logits!.data as Float32Array, present };
    },
    dispose: () => session.dispose(),
  };
}

/** log p(ids[t+1] | ids[..t]) for t < T-1, from logits [T, V] of one row. */
export function nextTokenLogProbs(logits: Float32Array, ids: readonly number[], V: number): number[] {
  const out: number[] = [];
  for (let t = 0; t + 1 < ids.length; t++) {
    const row = logits.subarray(t * V, (t + 1) * V);
    let max = -Infinity;
    for (const z of row) if (z > max) max = z;
    let s = 0;
    for (const z of row) s += Math.exp(z - max);
    out.push(row[ids[t + 1]!]! - max - Math.log(s));
  }
  return out;
}

/** Perplexity of blocks of token ids under an exported decoder: exp(mean -log p) over every predicted token. */
export function onnxFilePerplexity(file: string, blocks: readonly (readonly number[])[]): { perplexity: number; tokens: number } {
  const d = openOnnxDecoder(file);
  let nll = 0, n = 0;
  try {
    for (const b of blocks) {
      for (const lp of nextTokenLogProbs(d.run(b, null).logits, b, d.vocabSize)) { nll -= lp; n++; }
    }
  } finally { d.dispose(); }
  return { perplexity: Math.exp(nll / n), tokens: n };
}
