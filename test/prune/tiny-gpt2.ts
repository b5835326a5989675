/** Test helper: a tiny randomly initialised GPT-2 (L2, H4, C16, F24, V50, P16) and masked references. */
import * as tf from '@tensorflow/tfjs-core';
import { type GPT2Config, type LanguageModel } from '../../kernel-lib/index.ts';
import { parseGpt2Config } from '../../kernel-lib/model/gpt2-config.ts';
import { gpt2 } from '../../kernel-lib/model/gpt2.ts';

export const tinyRaw = { model_type: 'gpt2', vocab_size: 50, n_positions: 16, n_embd: 16, n_layer: 2, n_head: 4, n_inner: 24, bos_token_id: 0, eos_token_id: 0 };

export function tinyGpt2(seed = 1, raw: Record<string, unknown> = {}): LanguageModel<GPT2Config> {
  const config = parseGpt2Config({ ...tinyRaw, ...raw }, 'tiny');
  const params = new Map<string, tf.Variable>();
  for (const [name, t] of gpt2.initParams(config, seed)) {
    // Non-zero biases and LayerNorm parameters, so slicing a bias wrongly shows in the logits.
    const v = name.endsWith('.bias') || /ln_/.test(name)
      ? tf.tidy(() => tf.add(t, tf.mul(tf.randomNormal(t.shape, 0, 0.1, 'float32', seed + name.length), 1)))
      : t;
    params.set(name, tf.variable(v));
    if (v !== t) v.dispose();
    t.dispose();
  }
  return { family: 'gpt2', config, params };
}

/**
 * The same model with units' contributions zeroed: output-projection rows (attn.c_proj rows
 * u*D..u*D+D-1 for head u; mlp.c_proj row n for neuron n), all other tensors unchanged.
 * Removing a unit's c_proj rows removes exactly its term of the residual sum, so the physically
 * pruned model must give the same logits.
 */
export function maskUnits(model: LanguageModel<GPT2Config>, heads: Record<number, number[]>, neurons: Record<number, number[]>): LanguageModel<GPT2Config> {
  const D = model.config.hiddenSize / model.config.numHeads;
  const rows = new Map<string, number[]>();
  for (const [l, hs] of Object.entries(heads)) rows.set(`h.${l}.attn.c_proj.weight`, hs.flatMap((h) => [...Array(D).keys()].map((j) => h * D + j)));
  for (const [l, ns] of Object.entries(neurons)) rows.set(`h.${l}.mlp.c_proj.weight`, ns);
  const params = new Map<string, tf.Variable>();
  for (const [name, v] of model.params) {
    const r = rows.get(name);
    if (!r) { params.set(name, tf.variable(v)); continue; }
    const data = v.arraySync() as number[][];
    for (const i of r) data[i] = data[i]!.map(() => 0);
    params.set(name, tf.variable(tf.tensor2d(data)));
  }
  return { ...model, params };
}

export function disposeModel(m: LanguageModel): void {
  for (const v of m.params.values()) v.dispose();
}

/** Deterministic ids [B, T] in [0, V). */
export function tinyIds(B: number, T: number, V = 50): tf.Tensor2D {
  return tf.tensor2d(Int32Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % V), [B, T], 'int32');
}
