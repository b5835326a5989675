/**
 * A llama-architecture GGUF file (llama.cpp's layout) as a Llama LanguageModel with Hugging Face
 * names and layout.
 *
 * Metadata -> config.json keys: llama.embedding_length (hidden_size), llama.block_count,
 * llama.feed_forward_length, llama.attention.head_count, llama.attention.head_count_kv,
 * llama.context_length (max_position_embeddings), llama.attention.layer_norm_rms_epsilon,
 * llama.rope.freq_base (10000 when absent), llama.rope.dimension_count (must be the head dim),
 * tokenizer.ggml.{bos,eos,padding}_token_id (0xFFFFFFFF = none).
 * Tensors: token_embd, output_norm, output (absent = tied), blk.N.{attn_norm, attn_q, attn_k,
 * attn_v, attn_output, ffn_norm, ffn_gate, ffn_up, ffn_down}.
 * q/k rows: llama.cpp rotates interleaved pairs (2i, 2i+1) of each head, and its converter
 * permutes a Hugging Face q/k (rotate-half pairs i, i + D/2) into that order; here the rows are
 * permuted back (row h*D + 2i + j of the file becomes row h*D + j*D/2 + i), so the model runs with
 * transformers' RoPE and exports as LlamaForCausalLM.
 */
import { getFamily } from '../families.ts';
import type { LanguageModel, LlamaConfig } from '../types.ts';
import { readGguf, type GgufFile, type GgufValue } from './read-gguf.ts';
import { HostParams, type HostTensor } from '../host-params.ts';
import { readStoredFloat32 } from '../read-stored.ts';

const NONE_ID = 0xffffffff;

const TOP: Readonly<Record<string, string>> = {
  'token_embd.weight': 'model.embed_tokens.weight', 'output_norm.weight': 'model.norm.weight', 'output.weight': 'lm_head.weight',
};
const BLOCK: Readonly<Record<string, string>> = {
  attn_norm: 'input_layernorm', ffn_norm: 'post_attention_layernorm', attn_q: 'self_attn.q_proj', attn_k: 'self_attn.k_proj',
  attn_v: 'self_attn.v_proj', attn_output: 'self_attn.o_proj', ffn_gate: 'mlp.gate_proj', ffn_up: 'mlp.up_proj', ffn_down: 'mlp.down_proj',
};

/** llama.cpp tensor name -> Hugging Face parameter name (null when it has none). */
export function hfNameOfGguf(name: string): string | null {
  if (TOP[name]) return TOP[name]!;
  const m = /^blk\.(\d+)\.([a-z_]+)\.weight$/.exec(name);
  return m && BLOCK[m[2]!] ? `model.layers.${m[1]}.${BLOCK[m[2]!]}.weight` : null;
}

/** The shortest decimal that is the same float32 (metadata floats are stored as float32). */
function shortestF32(v: number): number {
  for (let p = 1; p <= 9; p++) { const d = Number(v.toPrecision(p)); if (Math.fround(d) === Math.fround(v)) return d; }
  return v;
}

function meta(g: GgufFile, key: string, kind: 'int' | 'float', fallback?: number): number {
  const v: GgufValue | undefined = g.metadata.get(key);
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new Error(`${g.file}: metadata key '${key}' is missing`);
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || (kind === 'int' && (!Number.isInteger(v) || v < 0))) {
    throw new Error(`${g.file}: metadata '${key}' must be ${kind === 'int' ? 'a non-negative integer' : 'a number'}, got ${JSON.stringify(String(v))}`);
  }
  return kind === 'float' ? shortestF32(v) : v;
}

function tokenIdMeta(g: GgufFile, key: string, fallback: number | null): number | null {
  if (!g.metadata.has(key)) return fallback;
  const v = meta(g, key, 'int');
  return v === NONE_ID ? null : v;
}

/** The config.json object (transformers LlamaConfig keys) described by a llama GGUF's metadata. */
export function llamaConfigOfGguf(g: GgufFile, tied: boolean): Record<string, unknown> {
  const arch = g.metadata.get('general.architecture');
  if (arch !== 'llama') throw new Error(`${g.file}: general.architecture is ${JSON.stringify(arch)}; only "llama" GGUF files are supported`);
  for (const k of ['llama.rope.scaling.type', 'llama.expert_count']) {
    const v = g.metadata.get(k);
    if (v !== undefined && v !== 'none' && v !== 0) throw new Error(`${g.file}: metadata '${k}' = ${JSON.stringify(String(v))} is not supported`);
  }
  const embd = g.tensors.get('token_embd.weight');
  if (!embd) throw new Error(`${g.file}: tensor 'token_embd.weight' is missing`);
  const C = meta(g, 'llama.embedding_length', 'int');
  const H = meta(g, 'llama.attention.head_count', 'int');
  const K = meta(g, 'llama.attention.head_count_kv', 'int', H);
  const headDim = H > 0 && C % H === 0 ? C / H : NaN;
  const ropeDims = meta(g, 'llama.rope.dimension_count', 'int', headDim);
  if (ropeDims !== headDim) throw new Error(`${g.file}: metadata 'llama.rope.dimension_count' is ${ropeDims} but the head dim is ${headDim} (partial rotary is not supported)`);
  const tokens = g.metadata.get('tokenizer.ggml.tokens');
  const V = embd.shape[0]!;
  if (Array.isArray(tokens) && tokens.length !== V) throw new Error(`${g.file}: tokenizer.ggml.tokens has ${tokens.length} entries but token_embd.weight has ${V} rows`);
  return {
    model_type: 'llama', architectures: ['LlamaForCausalLM'],
    vocab_size: V, hidden_size: C,
    intermediate_size: meta(g, 'llama.feed_forward_length', 'int'),
    num_hidden_layers: meta(g, 'llama.block_count', 'int'),
    num_attention_heads: H, num_key_value_heads: K,
    max_position_embeddings: meta(g, 'llama.context_length', 'int'),
    rms_norm_eps: meta(g, 'llama.attention.layer_norm_rms_epsilon', 'float'),
    rope_theta: meta(g, 'llama.rope.freq_base', 'float', 10000),
    hidden_act: 'silu',
    bos_token_id: tokenIdMeta(g, 'tokenizer.ggml.bos_token_id', 1),
    eos_token_id: tokenIdMeta(g, 'tokenizer.ggml.eos_token_id', 2),
    pad_token_id: tokenIdMeta(g, 'tokenizer.ggml.padding_token_id', null),
    tie_word_embeddings: tied,
  };
}

/** Undoes llama.cpp's q/k permutation: rows [heads*D, C] interleaved-pair order -> rotate-half order. */
export function unpermuteRows(data: Float32Array, rows: number, cols: number, heads: number): Float32Array {
  const D = rows / heads, half = D / 2, out = new Float32Array(data.length);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < half; i++) {
      for (let j = 0; j < 2; j++) {
        const src = (h * D + 2 * i + j) * cols, dst = (h * D + j * half + i) * cols;
        out.set(data.subarray(src, src + cols), dst);
      }
    }
  }
  return out;
}

function equal(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Header-only view: config, HF-name shapes and dtypes of a llama GGUF (checked like a safetensors checkpoint). */
export function inspectGguf(g: GgufFile): { config: LlamaConfig; shapes: Map<string, readonly number[]>; dtypes: Map<string, string>; fileKeys: Map<string, string>; tiedHead: string | null } {
  const shapes = new Map<string, readonly number[]>(), dtypes = new Map<string, string>(), fileKeys = new Map<string, string>();
  for (const t of g.tensors.values()) {
    const name = hfNameOfGguf(t.name);
    if (name === null) throw new Error(`${g.file}: tensor '${t.name}' is not a llama tensor this loader knows (expected token_embd, output_norm, output, blk.N.{attn_norm,attn_q,attn_k,attn_v,attn_output,ffn_norm,ffn_gate,ffn_up,ffn_down}.weight)`);
    shapes.set(name, t.shape); dtypes.set(name, t.dtype); fileKeys.set(name, t.name);
  }
  // Tied when there is no output tensor, or when it equals the embedding (llama2.c's shared classifier).
  let tied = !g.tensors.has('output.weight');
  let tiedHead: string | null = null;
  if (!tied && g.tensors.get('output.weight')!.bytes === g.tensors.get('token_embd.weight')?.bytes
    && equal(g.readFloat32('output.weight'), g.readFloat32('token_embd.weight'))) {
    tied = true; tiedHead = 'output.weight';
    shapes.delete('lm_head.weight'); dtypes.delete('lm_head.weight'); fileKeys.delete('lm_head.weight');
  }
  const llama = getFamily<LlamaConfig>('llama');
  const config = llama.parseConfig(llamaConfigOfGguf(g, tied), `${g.file} (metadata)`);
  llama.checkShapes(config, shapes, g.file);
  return { config, shapes, dtypes, fileKeys, tiedHead };
}

/** Loads a llama GGUF file (F32 / F16 / BF16 tensors) as a LanguageModel whose parameters stay in the
 *  file (model/host-params.ts; q/k rows are unpermuted as each is read); errors name the file and tensor. */
export function loadGgufModel(file: string): LanguageModel<LlamaConfig> {
  const g = readGguf(file);
  try {
    const { config, shapes, fileKeys } = inspectGguf(g);
    const tensors = new Map<string, HostTensor>();
    for (const [name, key] of fileKeys) {
      const shape = shapes.get(name)!, t = g.tensors.get(key)!;
      const heads = key.endsWith('.attn_q.weight') ? config.numHeads : key.endsWith('.attn_k.weight') ? config.numKeyValueHeads : 0;
      const count = shape.reduce((a, d) => a * d, 1);
      tensors.set(name, {
        shape, dtype: t.dtype,
        float32: () => {
          const data = readStoredFloat32(file, t.start, count, t.dtype, key);
          return heads ? unpermuteRows(data, shape[0]!, shape[1]!, heads) : data;
        },
      });
    }
    return { family: 'llama', config, params: new HostParams(tensors, file) };
  } finally {
    g.close();
  }
}
