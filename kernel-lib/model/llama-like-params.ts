/**
 * The Llama-like decoder's parameter table: Hugging Face names and shapes from a config, the
 * per-layer widths read back from tensor shapes, and the shape check of a checkpoint.
 *
 *   model.embed_tokens.weight                 [V, C]
 *   model.layers.i.input_layernorm.weight     [C]        RMSNorm only
 *   model.layers.i.self_attn.q_proj.weight    [H*D, C]   (.bias [H*D] with q/k/v biases)
 *   model.layers.i.self_attn.k_proj.weight    [K*D, C]   (.bias [K*D])
 *   model.layers.i.self_attn.v_proj.weight    [K*D, C]   (.bias [K*D])
 *   model.layers.i.self_attn.o_proj.weight    [C, H*D]   (.bias [C] with an o_proj bias)
 *   model.layers.i.post_attention_layernorm.weight [C]   RMSNorm only
 *   model.layers.i.mlp.gate_proj.weight       [F, C]     (.bias [F] with MLP biases)
 *   model.layers.i.mlp.up_proj.weight         [F, C]     (.bias [F])
 *   model.layers.i.mlp.down_proj.weight       [C, F]     (.bias [C])
 *   model.norm.weight                         [C]        RMSNorm only
 *   lm_head.weight                            [V, C]     untied only
 * Linear weights are torch [out, in]. Pruned layers have fewer rows / columns (H_l, K_l, F_l).
 */
import type { LlamaLikeConfig } from './types.ts';
import type { LlamaLikeLayerWidths } from './llama-like-config.ts';

const P = (i: number) => `model.layers.${i}`;

/** HF parameter names of layer i (weights; biases are `.bias` of the same modules). */
export const layerNames = (i: number) => ({
  inNorm: `${P(i)}.input_layernorm.weight`, postNorm: `${P(i)}.post_attention_layernorm.weight`,
  q: `${P(i)}.self_attn.q_proj.weight`, k: `${P(i)}.self_attn.k_proj.weight`,
  v: `${P(i)}.self_attn.v_proj.weight`, o: `${P(i)}.self_attn.o_proj.weight`,
  gate: `${P(i)}.mlp.gate_proj.weight`, up: `${P(i)}.mlp.up_proj.weight`, down: `${P(i)}.mlp.down_proj.weight`,
});
export type LayerNames = ReturnType<typeof layerNames>;

/** The bias of a projection weight name. */
export const biasOf = (weight: string): string => weight.replace(/\.weight$/, '.bias');

export const EMBED = 'model.embed_tokens.weight';
export const FINAL_NORM = 'model.norm.weight';
export const LM_HEAD = 'lm_head.weight';

/** Expected name -> shape for an unpruned model of this config. */
export function paramShapes(c: LlamaLikeConfig): Map<string, number[]> {
  const { hiddenSize: C, headDim: D, numHeads: H, numKeyValueHeads: K, intermediateSize: F } = c;
  const rms = c.norm === 'rms-norm';
  const m = new Map<string, number[]>([[EMBED, [c.vocabSize, C]]]);
  for (let i = 0; i < c.numLayers; i++) {
    const n = layerNames(i);
    if (rms) m.set(n.inNorm, [C]);
    m.set(n.q, [H * D, C]); m.set(n.k, [K * D, C]); m.set(n.v, [K * D, C]);
    if (c.qkvBias) { m.set(biasOf(n.q), [H * D]); m.set(biasOf(n.k), [K * D]); m.set(biasOf(n.v), [K * D]); }
    m.set(n.o, [C, H * D]);
    if (c.oBias) m.set(biasOf(n.o), [C]);
    if (rms) m.set(n.postNorm, [C]);
    m.set(n.gate, [F, C]); m.set(n.up, [F, C]); m.set(n.down, [C, F]);
    if (c.mlpBias) { m.set(biasOf(n.gate), [F]); m.set(biasOf(n.up), [F]); m.set(biasOf(n.down), [C]); }
  }
  if (rms) m.set(FINAL_NORM, [C]);
  if (!c.tieWordEmbeddings) m.set(LM_HEAD, [c.vocabSize, C]);
  return m;
}

/** Per-layer head / kv-head / MLP widths read from tensor shapes (no validation). */
export function layerWidths(c: LlamaLikeConfig, shapes: ReadonlyMap<string, readonly number[]>): LlamaLikeLayerWidths[] {
  return Array.from({ length: c.numLayers }, (_, i) => {
    const n = layerNames(i);
    return { heads: shapes.get(n.q)![0]! / c.headDim, kvHeads: shapes.get(n.k)![0]! / c.headDim, mlp: shapes.get(n.gate)![0]! };
  });
}

/** Checks tensors read from `file` against the config (pruned layers may be narrower); throws naming the tensor. */
export function checkShapes(c: LlamaLikeConfig, shapes: ReadonlyMap<string, readonly number[]>, file: string): void {
  const want = paramShapes(c);
  const about = `${c.family} config with ${c.numLayers} layers, tie_word_embeddings ${c.tieWordEmbeddings}, q/k/v bias ${c.qkvBias}, o_proj bias ${c.oBias}, MLP bias ${c.mlpBias}`;
  for (const name of want.keys()) if (!shapes.has(name)) throw new Error(`${file}: missing tensor ${name} (${about})`);
  for (const name of shapes.keys()) if (!want.has(name)) throw new Error(`${file}: unexpected tensor ${name} for a ${about}`);
  const C = c.hiddenSize, D = c.headDim;
  const s = (name: string) => shapes.get(name)!;
  const expect = (name: string, ok: boolean, what: string) => {
    if (!ok) throw new Error(`${file}: tensor ${name} has shape [${s(name)}], expected ${what}`);
  };
  const is = (name: string, ...dims: number[]) => s(name).length === dims.length && dims.every((d, j) => s(name)[j] === d);
  /** Every tensor of `names` present in `shapes` (norm weights and biases are optional per config) must be `dims`. */
  const all = (names: string[], ...dims: number[]) => { for (const n of names) if (shapes.has(n)) expect(n, is(n, ...dims), `[${dims}]`); };
  expect(EMBED, is(EMBED, c.vocabSize, C), `[${c.vocabSize}, ${C}]`);
  all([FINAL_NORM], C);
  if (!c.tieWordEmbeddings) expect(LM_HEAD, is(LM_HEAD, c.vocabSize, C), `[${c.vocabSize}, ${C}]`);
  const rep = c.numHeads / c.numKeyValueHeads;
  for (let i = 0; i < c.numLayers; i++) {
    const n = layerNames(i);
    all([n.inNorm, n.postNorm, biasOf(n.o), biasOf(n.down)], C);
    const rows = (name: string, max: number, unit: number, what: string) => {
      const sh = s(name);
      expect(name, sh.length === 2 && sh[1] === C && sh[0]! % unit === 0 && sh[0]! <= max, `[${what} <= ${max}, ${C}] (rows a multiple of ${unit})`);
      return sh[0]!;
    };
    const hq = rows(n.q, c.numHeads * D, D, 'heads*head_dim') / D;
    const hk = rows(n.k, c.numKeyValueHeads * D, D, 'kv_heads*head_dim') / D;
    expect(n.v, is(n.v, hk * D, C), `[${hk * D}, ${C}] like k_proj`);
    expect(n.q, hq === hk * rep, `${hk * rep * D} rows: ${rep} q heads per kv head (${hk} kv heads in k_proj)`);
    expect(n.o, is(n.o, C, hq * D), `[${C}, ${hq * D}] (q_proj has ${hq} heads)`);
    all([biasOf(n.q)], hq * D);
    all([biasOf(n.k), biasOf(n.v)], hk * D);
    const f = rows(n.gate, c.intermediateSize, 1, 'intermediate');
    expect(n.up, is(n.up, f, C), `[${f}, ${C}] like gate_proj`);
    expect(n.down, is(n.down, C, f), `[${C}, ${f}] (gate_proj has ${f} rows)`);
    all([biasOf(n.gate), biasOf(n.up)], f);
  }
}
