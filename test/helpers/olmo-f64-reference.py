#!/usr/bin/python3
"""Independent float64 reference for an OLMo checkpoint (PyTorch, written from the architecture:
non-parametric LayerNorm, half-split RoPE, SwiGLU, tied or untied head; no GQA, no clip_qkv):
usage: olmo-f64-reference.py MODEL_DIR ID,ID,... -> JSON list of log p(ids[t+1] | ids[..t])."""
import json, struct, sys, torch, math
d = sys.argv[1]
cfg = json.load(open(d + '/config.json'))
f = open(d + '/model.safetensors', 'rb').read()
n = struct.unpack('<Q', f[:8])[0]; hdr = json.loads(f[8:8+n]); base = 8 + n
W = {}
for k, v in hdr.items():
    if k == '__metadata__': continue
    a, b = v['data_offsets']; dt = {'F16': torch.float16, 'F32': torch.float32}[v['dtype']]
    W[k] = torch.frombuffer(bytearray(f[base+a:base+b]), dtype=dt).reshape(v['shape']).double()
ids = torch.tensor([int(x) for x in sys.argv[2].split(',')])
T = len(ids); C, H, L = cfg['hidden_size'], cfg['num_attention_heads'], cfg['num_hidden_layers']; D = C // H
assert cfg.get('num_key_value_heads', H) == H and not cfg.get('clip_qkv'), 'reference covers MHA without clip_qkv'
def ln(x): return (x - x.mean(-1, keepdim=True)) / torch.sqrt(x.var(-1, unbiased=False, keepdim=True) + 1e-5)
inv = 1.0 / (cfg.get('rope_theta', 10000) ** (torch.arange(0, D, 2).double() / D)); ang = torch.arange(T).double()[:, None] * inv[None]
cos = torch.cat([ang.cos(), ang.cos()], -1); sin = torch.cat([ang.sin(), ang.sin()], -1)
def rope(x): return x * cos + torch.cat([-x[..., D//2:], x[..., :D//2]], -1) * sin
x = W['model.embed_tokens.weight'][ids]
for l in range(L):
    p = f'model.layers.{l}.'
    h = ln(x)
    q, k, v = [(h @ W[p + f'self_attn.{n}_proj.weight'].T).reshape(T, H, D).transpose(0, 1) for n in 'qkv']
    q, k = rope(q), rope(k)
    s = q @ k.transpose(1, 2) / math.sqrt(D) + torch.triu(torch.full((T, T), -1e30, dtype=torch.double), 1)
    y = (s.softmax(-1) @ v).transpose(0, 1).reshape(T, C)
    x = x + y @ W[p + 'self_attn.o_proj.weight'].T
    h = ln(x); g = h @ W[p + 'mlp.gate_proj.weight'].T
    x = x + (g * torch.sigmoid(g) * (h @ W[p + 'mlp.up_proj.weight'].T)) @ W[p + 'mlp.down_proj.weight'].T
z = ln(x) @ W['model.embed_tokens.weight' if cfg.get('tie_word_embeddings', True) else 'lm_head.weight'].T
lp = z.log_softmax(-1)[torch.arange(T - 1), ids[1:]]
print(json.dumps(lp.tolist()))
