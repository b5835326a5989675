#!/usr/bin/python3
"""Independent reference for the ONNX Runtime training graphs: the summed next-token
cross-entropy of a batch and its gradient w.r.t. every parameter, by PyTorch autograd in
float64, from a decoder written here from the architectures (not from this project's code):
  gpt2        learned positions, pre-LN blocks (LayerNorm with affine terms, biased variance),
              fused q|k|v Conv1D [in, out], gelu tanh approximation, tied head
  llama-like  RMSNorm with weights, or OLMo's LayerNorm without affine terms (eps 1e-5);
              q/k/v clipped to +-clip_qkv when set; half-split rotary positions (theta);
              grouped kv heads; SwiGLU MLP; tied or untied head; projection biases where present
Per-layer head counts and MLP widths are read from the tensors' shapes (pruned layers; a layer
with no heads or neurons adds only its output bias, or nothing).
stdin JSON: {"weights": safetensors file (the test's parameter names), "family": "gpt2" |
"llama-like", "headDim": D, "eps": float, "norm": "layer" | "rms" | "olmo", "clipQkv": float or
null, "ropeTheta": float, "tied": bool, "B", "T", "ids", "targets", "mask": flat [B*T],
optional "dropout": {input name: {"rate": p, "keep": flat 0/1 list}}}: training-mode dropout with
the given keep masks, x * keep / (1 - p), at the places HF's GPT-2 drops (the embeddings' sum
'dropout.embd', attention probabilities 'dropout.attn.<l>' [B, h, T, T], each sublayer's output
before the residual add 'dropout.attn-out.<l>' / 'dropout.mlp-out.<l>', also when it is only a
bias) and the Llama-like attention probabilities
stdout JSON: {"loss": float, "grads": {name: flat list}}"""
import json, math, struct, sys, torch

req = json.load(sys.stdin)
raw = open(req['weights'], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
hdr = json.loads(raw[8:8 + n])
W = {}
for k, v in hdr.items():
    if k == '__metadata__':
        continue
    a, b = v['data_offsets']
    assert v['dtype'] == 'F32', k
    t = torch.frombuffer(bytearray(raw[8 + n + a:8 + n + b]), dtype=torch.float32) if b > a else torch.zeros(0)
    W[k] = t.reshape(v['shape']).double().requires_grad_(True)

B, T, D = req['B'], req['T'], req['headDim']
ids = torch.tensor(req['ids']).reshape(B, T)
targets = torch.tensor(req['targets']).reshape(B, T)
mask = torch.tensor(req['mask'], dtype=torch.float64).reshape(B, T)
causal = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
masks = req.get('dropout', {})


def drop(name, x):
    if name not in masks:
        return x
    m = masks[name]
    keep = torch.tensor(m['keep'], dtype=torch.float64)
    shape = (B, x.shape[1], T, T) if name.startswith('dropout.attn.') else (B, T, x.shape[-1])
    return x * keep.reshape(shape) / (1 - m['rate'])


def attend(q, k, v, layer):  # q [B, h, T, D], k/v [B, K, T, D]
    h, K = q.shape[1], k.shape[1]
    k = k.repeat_interleave(h // K, dim=1)
    v = v.repeat_interleave(h // K, dim=1)
    s = (q @ k.transpose(-1, -2)) / math.sqrt(D)
    s = s.masked_fill(causal, float('-inf'))
    return (drop(f'dropout.attn.{layer}', s.softmax(-1)) @ v).transpose(1, 2).reshape(B, T, h * D)


def heads(x, n):  # [B, T, n*D] -> [B, n, T, D]
    return x.reshape(B, T, n, D).transpose(1, 2)


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    y = (x - mu) / torch.sqrt(var + eps)
    return y * w + b if w is not None else y


def gelu_tanh(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def gpt2():
    eps = req['eps']
    x = drop('dropout.embd', W['wte.weight'][ids] + W['wpe.weight'][torch.arange(T)][None])
    L = sum(1 for k in W if k.endswith('.ln_1.weight'))
    for l in range(L):
        p = f'h.{l}.'
        a = layer_norm(x, W[p + 'ln_1.weight'], W[p + 'ln_1.bias'], eps)
        h = W[p + 'attn.c_attn.weight'].shape[1] // (3 * D)
        if h > 0:
            qkv = a @ W[p + 'attn.c_attn.weight'] + W[p + 'attn.c_attn.bias']
            q, k, v = qkv.split(h * D, dim=-1)
            y = attend(heads(q, h), heads(k, h), heads(v, h), l)
            o = y @ W[p + 'attn.c_proj.weight'] + W[p + 'attn.c_proj.bias']
        else:
            o = W[p + 'attn.c_proj.bias'].expand(B, T, -1)
        x = x + drop(f'dropout.attn-out.{l}', o)
        m = layer_norm(x, W[p + 'ln_2.weight'], W[p + 'ln_2.bias'], eps)
        if W[p + 'mlp.c_fc.weight'].shape[1] > 0:
            o = gelu_tanh(m @ W[p + 'mlp.c_fc.weight'] + W[p + 'mlp.c_fc.bias']) @ W[p + 'mlp.c_proj.weight'] + W[p + 'mlp.c_proj.bias']
        else:
            o = W[p + 'mlp.c_proj.bias'].expand(B, T, -1)
        x = x + drop(f'dropout.mlp-out.{l}', o)
    return layer_norm(x, W['ln_f.weight'], W['ln_f.bias'], eps), W['wte.weight']


def llama_like():
    eps, clip = req['eps'], req['clipQkv']
    def norm(x, name):
        if req['norm'] == 'olmo':
            return layer_norm(x, None, None, 1e-5)
        return x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps) * W[name]
    inv = 1.0 / (req['ropeTheta'] ** (torch.arange(0, D, 2).double() / D))
    ang = torch.arange(T).double()[:, None] * inv[None]
    cos = torch.cat([ang.cos(), ang.cos()], -1)
    sin = torch.cat([ang.sin(), ang.sin()], -1)
    def rope(x):
        return x * cos + torch.cat([-x[..., D // 2:], x[..., :D // 2]], -1) * sin
    def proj(x, name):
        y = x @ W[name].T
        bias = name[:-len('weight')] + 'bias'
        return y + W[bias] if bias in W else y
    def clipped(x):
        return x.clamp(-clip, clip) if clip is not None else x
    x = W['model.embed_tokens.weight'][ids]
    L = sum(1 for k in W if k.endswith('.self_attn.q_proj.weight'))
    for l in range(L):
        p = f'model.layers.{l}.'
        h, K = W[p + 'self_attn.q_proj.weight'].shape[0] // D, W[p + 'self_attn.k_proj.weight'].shape[0] // D
        if h > 0:
            a = norm(x, p + 'input_layernorm.weight')
            q = heads(clipped(proj(a, p + 'self_attn.q_proj.weight')), h)
            k = heads(clipped(proj(a, p + 'self_attn.k_proj.weight')), K)
            v = heads(clipped(proj(a, p + 'self_attn.v_proj.weight')), K)
            x = x + proj(attend(rope(q), rope(k), v, l), p + 'self_attn.o_proj.weight')
        elif p + 'self_attn.o_proj.bias' in W:
            x = x + W[p + 'self_attn.o_proj.bias']
        if W[p + 'mlp.gate_proj.weight'].shape[0] > 0:
            m = norm(x, p + 'post_attention_layernorm.weight')
            g = proj(m, p + 'mlp.gate_proj.weight')
            x = x + proj(g * torch.sigmoid(g) * proj(m, p + 'mlp.up_proj.weight'), p + 'mlp.down_proj.weight')
        elif p + 'mlp.down_proj.bias' in W:
            x = x + W[p + 'mlp.down_proj.bias']
    head = W['model.embed_tokens.weight'] if req['tied'] else W['lm_head.weight']
    return norm(x, 'model.norm.weight'), head


hidden, head = gpt2() if req['family'] == 'gpt2' else llama_like()
logp = (hidden @ head.T).log_softmax(-1)                                     # [B, T, V]
nll = -logp.gather(-1, targets.clamp(min=0)[..., None])[..., 0]              # [B, T]
loss = (nll * mask).sum()
loss.backward()
out = {'loss': loss.item(), 'grads': {k: (v.grad.flatten().tolist() if v.grad is not None else [0.0] * v.numel()) for k, v in W.items()}}
json.dump(out, sys.stdout)
