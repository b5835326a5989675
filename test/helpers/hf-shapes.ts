/**
 * Shapes of Hugging Face checkpoints that tests write with random weights (write-hf-checkpoint.ts):
 * the real-size ones of the "real-size models on an ordinary machine" issue (OLMo-1B,
 * TinyLlama-1.1B, GPT-2 XL) and small twins that take the same code paths (family, tying, GQA
 * ratio class, dtype, sharding) at C 96-128, L 2, V ~1000.
 *
 * Real sizes, from the models' published config.json files:
 *   OLMo-1B-hf       V 50304, C 2048, L 16, H 16 (D 128), F 8192, tied, no norm weights
 *                    (non-parametric LayerNorm), eos 50279, pad 1; here BF16 in 2 shards
 *   TinyLlama-1.1B   V 32000, C 2048, L 22, H 32, K 4 (D 64), F 5632, untied, RMSNorm eps 1e-5,
 *                    bos 1, eos 2; here F16 in one file, as the hub's model.safetensors
 *   GPT-2 XL         V 50257, C 1600, L 48, H 25 (D 64), F 6400, P 1024, tied, eos 50256;
 *                    here F32 in 2 shards (the hub's F32 file is 6.4 GB)
 */

export type HfFamily = 'olmo' | 'llama' | 'gpt2';
export type HfDtype = 'F32' | 'F16' | 'BF16';

export interface HfShape {
  readonly name: string;           // folder name prefix and test label
  readonly family: HfFamily;
  readonly V: number;              // vocab_size
  readonly C: number;              // hidden_size / n_embd
  readonly L: number;              // num_hidden_layers / n_layer
  readonly H: number;              // attention heads
  readonly K: number;              // key/value heads (= H without GQA; GPT-2 always H)
  readonly F: number;              // MLP width (intermediate_size / 4C for GPT-2)
  readonly P: number;              // max_position_embeddings / n_positions
  readonly tied: boolean;          // tie_word_embeddings (no lm_head.weight in the file)
  readonly dtype: HfDtype;         // stored element type
  /** Largest shard in bytes (transformers' max_shard_size); Infinity = one model.safetensors. */
  readonly maxShardBytes: number;
  /** Standard deviation of matrices, embeddings and biases (norm weights are 1 + 0.1 N(0, 1)). */
  readonly std: number;
  /** Special tokens at fixed ids (the rest of the vocabulary is GPT-2's, see build-test-tokenizer.ts). */
  readonly specials: Readonly<Record<string, number>>;
  readonly bos: number | null;
  readonly eos: number;
  readonly pad: number | null;
}

const GB = 1e9;   // transformers' "2GB" is 2 * 10^9 bytes

export const OLMO_1B: HfShape = {
  name: 'olmo-1b-shape', family: 'olmo', V: 50304, C: 2048, L: 16, H: 16, K: 16, F: 8192, P: 2048, tied: true,
  dtype: 'BF16', maxShardBytes: 2 * GB, std: 0.02,
  specials: { '<|padding|>': 1, '<|endoftext|>': 50279 }, bos: null, eos: 50279, pad: 1,
};

export const TINYLLAMA_1B: HfShape = {
  name: 'tinyllama-1.1b-shape', family: 'llama', V: 32000, C: 2048, L: 22, H: 32, K: 4, F: 5632, P: 2048, tied: false,
  dtype: 'F16', maxShardBytes: Infinity, std: 0.02,
  specials: { '<unk>': 0, '<s>': 1, '</s>': 2 }, bos: 1, eos: 2, pad: null,
};

export const GPT2_XL: HfShape = {
  name: 'gpt2-xl-shape', family: 'gpt2', V: 50257, C: 1600, L: 48, H: 25, K: 25, F: 6400, P: 1024, tied: true,
  dtype: 'F32', maxShardBytes: 5 * GB, std: 0.02,
  specials: { '<|endoftext|>': 50256 }, bos: 50256, eos: 50256, pad: null,
};

/** GPT-2 small (124M) as the hub's `gpt2` folder has it: F32, tied, one shard. */
export const GPT2_SMALL: HfShape = {
  name: 'gpt2-small-shape', family: 'gpt2', V: 50257, C: 768, L: 12, H: 12, K: 12, F: 3072, P: 1024, tied: true,
  dtype: 'F32', maxShardBytes: 5 * GB, std: 0.02,
  specials: { '<|endoftext|>': 50256 }, bos: 50256, eos: 50256, pad: null,
};

/** OLMo-1B's twin: BF16, tied, D 32, F = 4C, 3 shards of <= 500 kB. */
export const OLMO_TWIN: HfShape = {
  ...OLMO_1B, name: 'olmo-twin', V: 1024, C: 128, L: 2, H: 4, K: 4, F: 512, maxShardBytes: 500_000, std: 0.08,
  specials: { '<|padding|>': 1, '<|endoftext|>': 999 }, eos: 999,
};

/** TinyLlama's twin: F16, untied, GQA 8 query heads per key/value head (H 16, K 2, D 8), F = 2.75C. */
export const TINYLLAMA_TWIN: HfShape = {
  ...TINYLLAMA_1B, name: 'tinyllama-twin', V: 1000, C: 128, L: 2, H: 16, K: 2, F: 352, std: 0.08,
};

/** GPT-2 XL's twin: F32, tied, 25 heads of D 4 (C 100), P 128, 3 shards. */
export const GPT2_XL_TWIN: HfShape = {
  ...GPT2_XL, name: 'gpt2-xl-twin', V: 1000, C: 100, L: 2, H: 25, K: 25, F: 400, P: 128, maxShardBytes: 600_000, std: 0.08,
  specials: { '<|endoftext|>': 999 }, bos: 999, eos: 999,
};

/** One tensor of the checkpoint: HF file key, shape, and how its random values are drawn. */
export interface HfTensorSpec {
  readonly key: string;
  readonly shape: readonly number[];
  readonly kind: 'weight' | 'norm' | 'bias';
}

/**
 * The tensors transformers' save_pretrained writes for the shape, in the model's module order
 * (the order shards are filled in); tied LM heads are left out, as save_pretrained does.
 */
export function hfTensors(s: HfShape): HfTensorSpec[] {
  const { C, F, V } = s;
  const out: HfTensorSpec[] = [];
  const w = (key: string, ...shape: number[]): void => { out.push({ key, shape, kind: 'weight' }); };
  const n = (key: string, ...shape: number[]): void => { out.push({ key, shape, kind: 'norm' }); };
  const b = (key: string, ...shape: number[]): void => { out.push({ key, shape, kind: 'bias' }); };
  if (s.family === 'gpt2') {
    w('transformer.wte.weight', V, C); w('transformer.wpe.weight', s.P, C);
    for (let i = 0; i < s.L; i++) {
      const p = `transformer.h.${i}`;
      n(`${p}.ln_1.weight`, C); b(`${p}.ln_1.bias`, C);
      w(`${p}.attn.c_attn.weight`, C, 3 * C); b(`${p}.attn.c_attn.bias`, 3 * C);      // Conv1D: [in, out]
      w(`${p}.attn.c_proj.weight`, C, C); b(`${p}.attn.c_proj.bias`, C);
      n(`${p}.ln_2.weight`, C); b(`${p}.ln_2.bias`, C);
      w(`${p}.mlp.c_fc.weight`, C, F); b(`${p}.mlp.c_fc.bias`, F);
      w(`${p}.mlp.c_proj.weight`, F, C); b(`${p}.mlp.c_proj.bias`, C);
    }
    n('transformer.ln_f.weight', C); b('transformer.ln_f.bias', C);
    return out;
  }
  const D = C / s.H;
  w('model.embed_tokens.weight', V, C);
  for (let i = 0; i < s.L; i++) {
    const p = `model.layers.${i}`;
    w(`${p}.self_attn.q_proj.weight`, s.H * D, C); w(`${p}.self_attn.k_proj.weight`, s.K * D, C);
    w(`${p}.self_attn.v_proj.weight`, s.K * D, C); w(`${p}.self_attn.o_proj.weight`, C, s.H * D);
    w(`${p}.mlp.gate_proj.weight`, F, C); w(`${p}.mlp.up_proj.weight`, F, C); w(`${p}.mlp.down_proj.weight`, C, F);
    if (s.family === 'llama') { n(`${p}.input_layernorm.weight`, C); n(`${p}.post_attention_layernorm.weight`, C); }
  }
  if (s.family === 'llama') n('model.norm.weight', C);
  if (!s.tied) w('lm_head.weight', V, C);
  return out;
}

/** Number of parameters (the tied head counted once). */
export function parameterCount(s: HfShape): number {
  return hfTensors(s).reduce((a, t) => a + t.shape.reduce((x, d) => x * d, 1), 0);
}

/** The shapes the slow tier and the realsize-* bench cases use: real (default) or their twins (LAB_REAL_SIZE). */
export function realSizeShapes(choice: string | null): { readonly olmo: HfShape; readonly llama: HfShape; readonly gpt2: HfShape } {
  if (choice === null || choice === 'real') return { olmo: OLMO_1B, llama: TINYLLAMA_1B, gpt2: GPT2_XL };
  if (choice === 'twin') return { olmo: OLMO_TWIN, llama: TINYLLAMA_TWIN, gpt2: GPT2_XL_TWIN };
  throw new Error(`LAB_REAL_SIZE must be 'real' or 'twin', got ${JSON.stringify(choice)}`);
}
