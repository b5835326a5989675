/**
 * Tiny random GPT-2 models for tests: every parameter (biases and LayerNorm included) is random,
 * so a bug in any term shows. Per-layer head counts and MLP widths may differ from the config
 * (pruned shapes). Returns the model and the same float32 values as float64 for the reference.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type GPT2Config, type LanguageModel } from '../../kernel-lib/index.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';
import type { RefTensor } from './gpt2-reference.ts';

export interface TinySpec {
  readonly V: number; readonly P: number; readonly C: number; readonly L: number; readonly H: number;
  readonly headsPerLayer?: readonly number[];   // default H in every layer
  readonly mlpPerLayer?: readonly number[];     // default 4C
  readonly prunedHeads?: Readonly<Record<number, readonly number[]>>;
}

export function tinyConfig(s: TinySpec): GPT2Config {
  return {
    family: 'gpt2', vocabSize: s.V, maxPositions: s.P, hiddenSize: s.C, numLayers: s.L, numHeads: s.H,
    eosTokenId: s.V - 1, bosTokenId: s.V - 1, padTokenId: null, tieWordEmbeddings: true,
    innerSize: 4 * s.C, layerNormEpsilon: 1e-5, activation: 'gelu_new',
    dropout: { resid: 0.1, embd: 0.1, attn: 0.1 }, prunedHeads: s.prunedHeads ?? {}, raw: { model_type: 'gpt2' },
  };
}

export function tinyModel(s: TinySpec, seed: number): { model: LanguageModel<GPT2Config>; ref: Map<string, RefTensor> } {
  const rng = createRng(seed);
  const { C, V, P } = s, D = C / s.H;
  const shapes = new Map<string, number[]>([['wte.weight', [V, C]], ['wpe.weight', [P, C]]]);
  for (let i = 0; i < s.L; i++) {
    const hD = (s.headsPerLayer?.[i] ?? s.H) * D, F = s.mlpPerLayer?.[i] ?? 4 * C;
    for (const [n, sh] of [['ln_1.weight', [C]], ['ln_1.bias', [C]], ['attn.c_attn.weight', [C, 3 * hD]], ['attn.c_attn.bias', [3 * hD]],
      ['attn.c_proj.weight', [hD, C]], ['attn.c_proj.bias', [C]], ['ln_2.weight', [C]], ['ln_2.bias', [C]],
      ['mlp.c_fc.weight', [C, F]], ['mlp.c_fc.bias', [F]], ['mlp.c_proj.weight', [F, C]], ['mlp.c_proj.bias', [C]]] as const) {
      shapes.set(`h.${i}.${n}`, [...sh]);
    }
  }
  shapes.set('ln_f.weight', [C]); shapes.set('ln_f.bias', [C]);
  const params = new Map<string, tf.Variable>();
  const ref = new Map<string, RefTensor>();
  for (const [name, shape] of shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    const isLnW = /ln_(1|2|f)\.weight$/.test(name);
    // weights ~ U(-0.5, 0.5) * scale; LayerNorm gains around 1
    const scale = name.includes('weight') && shape.length === 2 ? 1.2 / Math.sqrt(shape[0]!) : 0.3;
    const f32 = Float32Array.from({ length: n }, () => (isLnW ? 1 : 0) + (rng.next() - 0.5) * (name.startsWith('w') ? 0.8 : scale));
    params.set(name, tf.variable(tf.tensor(f32, shape), true, `${seed}/${name}/${Math.random()}`));
    ref.set(name, { shape, data: Float64Array.from(f32) });
  }
  return { model: { family: 'gpt2', config: tinyConfig(s), params }, ref };
}

export function disposeModel(m: LanguageModel): void {
  for (const v of m.params.values()) v.dispose();
}
