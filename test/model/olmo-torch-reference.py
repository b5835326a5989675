# Generates the torch literals in test/model/olmo.test.ts ('torch 1.13 reference'): run with
# /usr/bin/python3 test/model/olmo-torch-reference.py (Debian python3-torch 1.13, no transformers needed).
# OLMo forward as transformers' modular_olmo.py / Llama compose it, in torch float64.
import math, torch, torch.nn.functional as F
torch.set_default_dtype(torch.float64)
V, C, L, H, K, D, FF, theta, clip = 13, 12, 2, 4, 2, 4, 10, 500.0, 0.3
names = ['model.embed_tokens.weight']
shapes = {'model.embed_tokens.weight': (V, C)}
for i in range(L):
    p = f'model.layers.{i}'
    for n, s in [('self_attn.q_proj', (H*D, C)), ('self_attn.k_proj', (K*D, C)), ('self_attn.v_proj', (K*D, C)), ('self_attn.o_proj', (C, H*D)), ('mlp.gate_proj', (FF, C)), ('mlp.up_proj', (FF, C)), ('mlp.down_proj', (C, FF))]:
        names.append(f'{p}.{n}.weight'); shapes[f'{p}.{n}.weight'] = s
names.append('lm_head.weight'); shapes['lm_head.weight'] = (V, C)
W = {}
for k, n in enumerate(names):
    r, c = shapes[n]; scale = 1.0 if ('embed' in n or 'lm_head' in n) else 0.6
    j = torch.arange(r * c, dtype=torch.float64)
    W[n] = (scale * torch.sin(1.7 * j + 0.9 * k + 0.1)).reshape(r, c)
ln = lambda x: F.layer_norm(x, (C,), None, None, eps=1e-5)
def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2 :]
    return torch.cat((-x2, x1), dim=-1)
ids = torch.tensor([[0, 12, 7, 7, 3, 2, 11, 4, 5]])
T = ids.shape[1]
inv_freq = 1.0 / (theta ** (torch.arange(0, D, 2, dtype=torch.float64) / D))
freqs = torch.arange(T, dtype=torch.float64)[:, None] * inv_freq[None, :]
emb = torch.cat((freqs, freqs), dim=-1); cos, sin = emb.cos(), emb.sin()
x = W['model.embed_tokens.weight'][ids]                       # [1, T, C]
mask = torch.full((T, T), float('-inf')).triu(1)
for i in range(L):
    p = f'model.layers.{i}'
    h = ln(x)
    q = F.linear(h, W[f'{p}.self_attn.q_proj.weight']).clamp(-clip, clip)
    k = F.linear(h, W[f'{p}.self_attn.k_proj.weight']).clamp(-clip, clip)
    v = F.linear(h, W[f'{p}.self_attn.v_proj.weight']).clamp(-clip, clip)
    q = q.view(1, T, H, D).transpose(1, 2); k = k.view(1, T, K, D).transpose(1, 2); v = v.view(1, T, K, D).transpose(1, 2)
    q = q * cos + rotate_half(q) * sin; k = k * cos + rotate_half(k) * sin
    k = k[:, :, None].expand(1, K, H // K, T, D).reshape(1, H, T, D)   # repeat_kv
    v = v[:, :, None].expand(1, K, H // K, T, D).reshape(1, H, T, D)
    a = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(D) + mask, dim=-1) @ v
    x = x + F.linear(a.transpose(1, 2).reshape(1, T, H * D), W[f'{p}.self_attn.o_proj.weight'])
    h = ln(x)
    x = x + F.linear(F.silu(F.linear(h, W[f'{p}.mlp.gate_proj.weight'])) * F.linear(h, W[f'{p}.mlp.up_proj.weight']), W[f'{p}.mlp.down_proj.weight'])
z = F.linear(ln(x), W['lm_head.weight'])[0]
for t in (0, 4, 8):
    print(t, [round(float(v), 6) for v in z[t]])
