# Float64 reference for test/model/llama.test.ts: LlamaForCausalLM's forward as transformers'
# modeling_llama.py composes it (RMSNorm, rotate_half RoPE, repeat_kv GQA, SwiGLU), in torch
# float64 with Debian's python3-torch (no transformers needed). Run by the test with
# /usr/bin/python3; reads the config JSON from stdin and prints the logits [T, V] as JSON.
# With a folder argument (a LlamaForCausalLM export: config.json + F32 model.safetensors), the
# weights and shapes come from the folder instead (safetensors read by hand: u64 header length,
# JSON header, raw little-endian data) and stdin only gives {"ids": [...]}.
# Weights follow the formula the test uses: parameter k (in the order of `names`), element j:
#   linear / embedding: scale * sin(1.7*j + 0.9*k + 0.1), scale 1 for embed/lm_head, 0.6 otherwise
#   RMSNorm weight:     1 + 0.3 * sin(0.7*j + 0.9*k)
#   bias:               0.2 * cos(1.3*j + 0.9*k)
# Optional switches in the stdin JSON: "qkv_bias" (q/k/v projections add a bias, as Qwen2's always
# do), "o_bias" (o_proj adds one), "mlp_bias" (gate/up/down add one); a bias follows its weight in
# `names`. "rope_scaling": {"factor", "low_freq_factor", "high_freq_factor",
# "original_max_position_embeddings"} rescales the inverse frequencies as Llama 3.1 describes:
# wavelength 2 pi / f above original/low_freq_factor -> f / factor; below original/high_freq_factor
# -> f; in between, with s = (original / wavelength - low) / (high - low): (1 - s) f / factor + s f.
import json, math, sys, torch, torch.nn.functional as F
torch.set_default_dtype(torch.float64)
c = json.load(sys.stdin)
W = {}
if len(sys.argv) > 1:
    import os, struct
    hf = json.load(open(os.path.join(sys.argv[1], 'config.json')))
    c.update(V=hf['vocab_size'], C=hf['hidden_size'], L=hf['num_hidden_layers'], H=hf['num_attention_heads'], K=hf['num_key_value_heads'],
             D=hf.get('head_dim') or hf['hidden_size'] // hf['num_attention_heads'], F=hf['intermediate_size'], theta=hf['rope_theta'],
             eps=hf['rms_norm_eps'], tied=hf['tie_word_embeddings'])
    raw = open(os.path.join(sys.argv[1], 'model.safetensors'), 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]; header = json.loads(raw[8:8 + n])
    for k, e in header.items():
        if k == '__metadata__': continue
        assert e['dtype'] == 'F32', e
        a, b = e['data_offsets']
        W[k] = torch.frombuffer(bytearray(raw[8 + n + a:8 + n + b]), dtype=torch.float32).to(torch.float64).reshape(e['shape'])
V, C, L, H, K, D, FF, theta, eps = c['V'], c['C'], c['L'], c['H'], c['K'], c['D'], c['F'], c['theta'], c['eps']
ids = torch.tensor([c['ids']])
names, shapes = ['model.embed_tokens.weight'], {'model.embed_tokens.weight': (V, C)}
for i in range(L):
    p = f'model.layers.{i}'
    for n, s in [('input_layernorm', (C,)), ('self_attn.q_proj', (H*D, C)), ('self_attn.k_proj', (K*D, C)), ('self_attn.v_proj', (K*D, C)),
                 ('self_attn.o_proj', (C, H*D)), ('post_attention_layernorm', (C,)), ('mlp.gate_proj', (FF, C)), ('mlp.up_proj', (FF, C)), ('mlp.down_proj', (C, FF))]:
        names.append(f'{p}.{n}.weight'); shapes[f'{p}.{n}.weight'] = s
        bias = (c.get('qkv_bias') and n in ('self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj')) or \
               (c.get('o_bias') and n == 'self_attn.o_proj') or (c.get('mlp_bias') and n.startswith('mlp.'))
        if bias: names.append(f'{p}.{n}.bias'); shapes[f'{p}.{n}.bias'] = (s[0],)
names.append('model.norm.weight'); shapes['model.norm.weight'] = (C,)
if not c['tied'] or 'lm_head.weight' in W:
    names.append('lm_head.weight'); shapes['lm_head.weight'] = (V, C)
for k, n in enumerate(names):
    if len(sys.argv) > 1: assert W[n].shape == shapes[n], (n, W[n].shape, shapes[n]); continue
    s = shapes[n]; j = torch.arange(math.prod(s), dtype=torch.float64)
    if n.endswith('.bias'): W[n] = 0.2 * torch.cos(1.3 * j + 0.9 * k)
    elif len(s) == 1: W[n] = 1 + 0.3 * torch.sin(0.7 * j + 0.9 * k)
    else: W[n] = ((1.0 if ('embed' in n or 'lm_head' in n) else 0.6) * torch.sin(1.7 * j + 0.9 * k + 0.1)).reshape(s)
def lin(x, module): return F.linear(x, W[module + '.weight'], W.get(module + '.bias'))
def rms(x, w): return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w
def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2 :]
    return torch.cat((-x2, x1), dim=-1)
T = ids.shape[1]
inv_freq = 1.0 / (theta ** (torch.arange(0, D, 2, dtype=torch.float64) / D))
rs = c.get('rope_scaling')
if rs:
    orig, lo, hi, factor = rs['original_max_position_embeddings'], rs['low_freq_factor'], rs['high_freq_factor'], rs['factor']
    scaled = []
    for f in inv_freq.tolist():
        wavelength = 2 * math.pi / f
        if wavelength < orig / hi: scaled.append(f)
        elif wavelength > orig / lo: scaled.append(f / factor)
        else:
            s = (orig / wavelength - lo) / (hi - lo)
            scaled.append((1 - s) * f / factor + s * f)
    inv_freq = torch.tensor(scaled)
freqs = torch.arange(T, dtype=torch.float64)[:, None] * inv_freq[None, :]
emb = torch.cat((freqs, freqs), dim=-1); cos, sin = emb.cos(), emb.sin()
x = W['model.embed_tokens.weight'][ids]
mask = torch.full((T, T), float('-inf')).triu(1)
for i in range(L):
    p = f'model.layers.{i}'
    h = rms(x, W[f'{p}.input_layernorm.weight'])
    q = lin(h, f'{p}.self_attn.q_proj').view(1, T, H, D).transpose(1, 2)
    k = lin(h, f'{p}.self_attn.k_proj').view(1, T, K, D).transpose(1, 2)
    v = lin(h, f'{p}.self_attn.v_proj').view(1, T, K, D).transpose(1, 2)
    q = q * cos + rotate_half(q) * sin; k = k * cos + rotate_half(k) * sin
    k = k[:, :, None].expand(1, K, H // K, T, D).reshape(1, H, T, D)
    v = v[:, :, None].expand(1, K, H // K, T, D).reshape(1, H, T, D)
    a = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(D) + mask, dim=-1) @ v
    x = x + lin(a.transpose(1, 2).reshape(1, T, H * D), f'{p}.self_attn.o_proj')
    h = rms(x, W[f'{p}.post_attention_layernorm.weight'])
    x = x + lin(F.silu(lin(h, f'{p}.mlp.gate_proj')) * lin(h, f'{p}.mlp.up_proj'), f'{p}.mlp.down_proj')
head = W['model.embed_tokens.weight'] if c['tied'] else W['lm_head.weight']
print(json.dumps(F.linear(rms(x, W['model.norm.weight']), head)[0].tolist()))
