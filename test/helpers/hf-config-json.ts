/**
 * config.json text as transformers (4.40) writes it from save_pretrained for OlmoForCausalLM,
 * LlamaForCausalLM and GPT2LMHeadModel: the keys its config classes serialise (values that differ
 * from PretrainedConfig's defaults, plus the class's own keys), sorted, 2-space indent, Python's
 * float spelling (10000.0, 1e-05, 0.0), and a final newline.
 */
import type { HfShape } from './hf-shapes.ts';

/** A float that Python's json module would print with a decimal point or exponent. */
class PyFloat { constructor(readonly value: number) {} }
const f = (x: number): PyFloat => new PyFloat(x);

/** Python's repr of a float: `10000.0`, `1e-05`, `0.02`. */
export function pythonFloat(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`pythonFloat: ${x} is not finite`);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) {
    const [m, e] = x.toExponential().split('e') as [string, string];
    const sign = e.startsWith('-') ? '-' : '+';
    return `${m}e${sign}${e.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

function render(v: unknown, indent: string): string {
  if (v instanceof PyFloat) return pythonFloat(v.value);
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[\n${v.map((x) => `${indent}  ${render(x, `${indent}  `)}`).join(',\n')}\n${indent}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{\n${keys.map((k) => `${indent}  ${JSON.stringify(k)}: ${render((v as Record<string, unknown>)[k], `${indent}  `)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(v);
}

const TORCH_DTYPE = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' } as const;

/** The config object of a shape (PyFloat marks Python floats). */
function configObject(s: HfShape): Record<string, unknown> {
  const common = { torch_dtype: TORCH_DTYPE[s.dtype], transformers_version: '4.40.0', use_cache: true, vocab_size: s.V };
  if (s.family === 'gpt2') {
    return {
      ...common, activation_function: 'gelu_new', architectures: ['GPT2LMHeadModel'], attn_pdrop: f(0.1),
      bos_token_id: s.bos, embd_pdrop: f(0.1), eos_token_id: s.eos, initializer_range: f(0.02), layer_norm_epsilon: f(1e-5),
      model_type: 'gpt2', n_ctx: s.P, n_embd: s.C, n_head: s.H, n_inner: s.F === 4 * s.C ? null : s.F, n_layer: s.L, n_positions: s.P,
      reorder_and_upcast_attn: false, resid_pdrop: f(0.1), scale_attn_by_inverse_layer_idx: false, scale_attn_weights: true,
      summary_activation: null, summary_first_dropout: f(0.1), summary_proj_to_labels: true, summary_type: 'cls_index', summary_use_proj: true,
      ...(s.tied ? {} : { tie_word_embeddings: false }),
    };
  }
  const rope = {
    attention_bias: false, attention_dropout: f(0), hidden_act: 'silu', hidden_size: s.C, initializer_range: f(0.02),
    intermediate_size: s.F, max_position_embeddings: s.P, num_attention_heads: s.H, num_hidden_layers: s.L, num_key_value_heads: s.K,
    pretraining_tp: 1, rope_scaling: null, rope_theta: f(10000), tie_word_embeddings: s.tied, bos_token_id: s.bos, eos_token_id: s.eos,
  };
  if (s.family === 'olmo') return { ...common, ...rope, architectures: ['OlmoForCausalLM'], clip_qkv: null, model_type: 'olmo', pad_token_id: s.pad };
  return { ...common, ...rope, architectures: ['LlamaForCausalLM'], model_type: 'llama', rms_norm_eps: f(1e-5), ...(s.pad === null ? {} : { pad_token_id: s.pad }) };
}

/** config.json text for the shape, as save_pretrained writes it. */
export function hfConfigJson(s: HfShape): string {
  return `${render(configObject(s), '')}\n`;
}
