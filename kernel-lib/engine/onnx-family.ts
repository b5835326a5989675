/**
 * What a model family tells the ONNX engine (one file per family, registered by name in
 * engine/onnx-families.ts): how to lay its decoder into a graph, and where its output embedding
 * and key/value cache shapes come from. Everything else (inputs, attention bias, scoring head,
 * generation outputs, sessions) is generic.
 */
import type { LanguageModel } from '../model/types.ts';
import type { OnnxGraph } from './onnx-graph.ts';

/** The values a family decoder reads and the cache it writes. */
export interface DecoderContext {
  readonly g: OnnxGraph;
  readonly ids: string;          // [B, T] int64 token ids
  readonly positions: string;    // [B|1, T] int64 absolute positions (P + t)
  readonly bias: string;         // [B|1, 1, T, S] additive attention bias (engine/onnx-blocks.ts attentionBias)
  /** The cached keys/values of layer i ([B, K_i, P, D]), or undefined without a cache. */
  past(layer: number): { readonly key: string; readonly value: string } | undefined;
  /** Records layer i's keys/values after this step ([B, K_i, S, D]); zero-head layers record none. */
  present(layer: number, key: string, value: string): void;
  /** Optional: told the input of each output projection ([B, T, cols]: attention `c_proj` /
   *  `o_proj` with head-major columns, MLP `c_proj` / `down_proj` with one column per neuron),
   *  so a statistics graph can reduce it (engine/build-stats-graph.ts). */
  tap?(site: { readonly kind: 'heads' | 'mlp'; readonly layer: number }, value: string): void;
  /** Optional: told where each block begins (before its first node) and the residual stream
   *  [B, T, C] entering it, so a training graph can recompute a block in its backward
   *  (engine/backward/reverse-pass.ts). */
  blockStart?(layer: number, x: string): void;
  /** Optional: training-mode dropout. The family calls it at each place its config may drop
   *  values, with the config's rate, and continues with the value it returns (unchanged at rate 0);
   *  without it (the inference graphs) nothing is dropped (engine/backward/dropout-masks.ts). */
  dropout?(site: DropoutSite, value: string): string;
}

/** A place a decoder applies dropout: the embeddings' sum ('embd', [B, T, C]), the attention
 *  probabilities of a layer ('attn', [B, heads, T, S]), or a sublayer's output before it joins
 *  the residual stream ('attn-out' / 'mlp-out', [B, T, C]); `rate` is the config's probability. */
export interface DropoutSite {
  readonly kind: 'embd' | 'attn' | 'attn-out' | 'mlp-out';
  readonly layer: number;          // -1 for 'embd'
  readonly rate: number;
  readonly heads?: number;         // 'attn': the layer's query heads
}

export interface OnnxFamily {
  /** What the description is called in messages ('gpt2', 'llama-like'); the registry maps family names to it. */
  readonly name: string;
  /** Adds the decoder to ctx.g; returns the final normalised hidden states [B, T, C]. */
  decoder(model: LanguageModel<any>, ctx: DecoderContext): string;
  /** The dropout rates the config asks for, one per kind of place (for a training graph's caller). */
  dropoutRates(model: LanguageModel<any>): readonly number[];
  /** Name of the parameter holding the output embedding [V, C] (the token embedding when tied). */
  lmHeadParam(model: LanguageModel<any>): string;
  /** Key/value heads per layer (0 for a layer with no heads left), the head dim D and the
   *  config's kv-head count of an unpruned layer (what config.json readers allocate). */
  cacheHeads(model: LanguageModel<any>): { readonly kvHeads: readonly number[]; readonly headDim: number; readonly configKvHeads: number };
}
