#!/usr/bin/python3
# Independent PyTorch reference for Hugging Face checkpoint folders (OlmoForCausalLM,
# LlamaForCausalLM, GPT2LMHeadModel), run with Debian's /usr/bin/python3 (python3-torch 1.13; no
# transformers, nothing from this project). Reads the folder itself: config.json, then
# model.safetensors or model.safetensors.index.json and its shards (u64 little-endian header
# length, JSON header, raw little-endian elements; F32, F16, or BF16 = the upper 16 bits of a
# float32), one tensor at a time so a 1.2B-parameter folder needs its float32 size and no more.
# Forward passes from the formulas transformers' modeling files compose:
#   OLMo:  x = E[ids]; per layer x += o(attn(LN(x))); x += down(silu(gate(LN(x))) * up(LN(x)));
#          LN without weights (eps 1e-5), q/k/v clamped to +-clip_qkv when set, rotate_half RoPE,
#          repeat_kv for K < H; logits = LN(x) @ lm_head^T (the embedding when tied)
#   Llama: the same with RMSNorm x * rsqrt(mean(x^2) + eps) * w before attention, MLP and head
#   GPT-2: x = wte[ids] + wpe[t]; LayerNorm with weight and bias; Conv1D layers x @ W + b;
#          gelu_new (tanh form); head tied to wte
#
#   score DIR --ids 1,2,3 [--float64]   -> {"logprobs": [null, log p(id_1 | id_0), ...]}
#   bench DIR --batch B --seq T --threads N [--iters 3 --warmup 1]
#       -> {"tok_s", "median_s", "times", "load_s"}: float32 forward over random ids [B, T], log-softmax
#          of the logits at every position gathered at the next ids (as the ONNX engine scores them)
import argparse, json, math, os, statistics, struct, sys, time
import torch
import torch.nn.functional as F

DTYPES = {'F32': (torch.float32, 4), 'F16': (torch.float16, 2), 'BF16': (None, 2)}


def tensor_files(d):
    index = os.path.join(d, 'model.safetensors.index.json')
    if os.path.exists(index):
        wm = json.load(open(index))['weight_map']
        return sorted(set(wm.values()))
    return ['model.safetensors']


def read_weights(d, dtype):
    """Every tensor of the folder as `dtype` (float32 or float64), read one at a time."""
    W = {}
    for name in tensor_files(d):
        path = os.path.join(d, name)
        with open(path, 'rb') as f:
            n = struct.unpack('<Q', f.read(8))[0]
            header = json.loads(f.read(n))
            base = 8 + n
            header.pop('__metadata__', None)
            for key, e in sorted(header.items(), key=lambda kv: kv[1]['data_offsets'][0]):
                if e['dtype'] not in DTYPES:
                    sys.exit(f'{path}: tensor {key} has dtype {e["dtype"]}, expected F32, F16 or BF16')
                a, b = e['data_offsets']
                f.seek(base + a)
                raw = bytearray(f.read(b - a))
                if e['dtype'] == 'BF16':    # new storage: the bits shifted into float32's upper half
                    t = (torch.frombuffer(raw, dtype=torch.int16).to(torch.int32) << 16).view(torch.float32)
                else:                       # shares `raw`: copied below when no conversion copies it
                    t = torch.frombuffer(raw, dtype=DTYPES[e['dtype']][0])
                    t = t.clone() if t.dtype == dtype else t
                W[key] = t.to(dtype).reshape(e['shape'])
                del raw, t
    return W


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def split_heads(q, k, v, B, T, H, K, D):
    """q [B, T, H*D], k/v [B, T, K*D] -> q [B, H, T, D], k/v [B, K, T, D]."""
    q = q.view(B, T, H, D).transpose(1, 2)
    k = k.view(B, T, K, D).transpose(1, 2)
    v = v.view(B, T, K, D).transpose(1, 2)
    return q, k, v


def causal(q, k, v, B, T, H, K, D):
    """q [B, H, T, D], k/v [B, K, T, D] -> [B, T, H*D]: causal softmax(q k^T / sqrt(D)) v per head."""
    k = k[:, :, None].expand(B, K, H // K, T, D).reshape(B, H, T, D)   # repeat_kv
    v = v[:, :, None].expand(B, K, H // K, T, D).reshape(B, H, T, D)
    mask = torch.full((T, T), float('-inf'), dtype=q.dtype).triu(1)
    a = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(D) + mask, dim=-1) @ v    # [B, H, T, D]
    return a.transpose(1, 2).reshape(B, T, H * D)


def rope_llama_olmo(c, W, ids, dtype):
    """OLMo / Llama forward: ids [B, T] -> logits [B, T, V]."""
    B, T = ids.shape
    C, H, L = c['hidden_size'], c['num_attention_heads'], c['num_hidden_layers']
    K = c.get('num_key_value_heads') or H
    D = c.get('head_dim') or C // H
    llama = c['model_type'] == 'llama'
    eps = c.get('rms_norm_eps', 1e-6) if llama else 1e-5
    clip = None if llama else c.get('clip_qkv')

    def norm(x, key):
        if llama:
            return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * W[key]
        return F.layer_norm(x, (C,), None, None, eps=eps)

    inv_freq = 1.0 / (c.get('rope_theta', 10000.0) ** (torch.arange(0, D, 2, dtype=torch.float64) / D))
    freqs = torch.arange(T, dtype=torch.float64)[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos().to(dtype), emb.sin().to(dtype)                  # [T, D]
    x = W['model.embed_tokens.weight'][ids]                                # [B, T, C]
    for i in range(L):
        p = f'model.layers.{i}'
        h = norm(x, f'{p}.input_layernorm.weight')
        q, k, v = (F.linear(h, W[f'{p}.self_attn.{n}_proj.weight']) for n in 'qkv')
        if clip is not None:
            q, k, v = q.clamp(-clip, clip), k.clamp(-clip, clip), v.clamp(-clip, clip)
        q, k, v = split_heads(q, k, v, B, T, H, K, D)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        x = x + F.linear(causal(q, k, v, B, T, H, K, D), W[f'{p}.self_attn.o_proj.weight'])
        h = norm(x, f'{p}.post_attention_layernorm.weight')
        x = x + F.linear(F.silu(F.linear(h, W[f'{p}.mlp.gate_proj.weight'])) * F.linear(h, W[f'{p}.mlp.up_proj.weight']), W[f'{p}.mlp.down_proj.weight'])
    head = W['lm_head.weight'] if 'lm_head.weight' in W else W['model.embed_tokens.weight']
    return F.linear(norm(x, 'model.norm.weight'), head)


def gpt2(c, W, ids, dtype):
    """GPT-2 forward: ids [B, T] -> logits [B, T, V]."""
    B, T = ids.shape
    C, H, L = c['n_embd'], c['n_head'], c['n_layer']
    D, eps = C // H, c.get('layer_norm_epsilon', 1e-5)
    w = lambda k: W[f'transformer.{k}']
    ln = lambda x, k: F.layer_norm(x, (C,), w(f'{k}.weight'), w(f'{k}.bias'), eps=eps)
    x = w('wte.weight')[ids] + w('wpe.weight')[:T]
    for i in range(L):
        p = f'h.{i}'
        qkv = ln(x, f'{p}.ln_1') @ w(f'{p}.attn.c_attn.weight') + w(f'{p}.attn.c_attn.bias')
        q, k, v = split_heads(*qkv.split(C, dim=2), B, T, H, H, D)
        x = x + causal(q, k, v, B, T, H, H, D) @ w(f'{p}.attn.c_proj.weight') + w(f'{p}.attn.c_proj.bias')
        h = ln(x, f'{p}.ln_2') @ w(f'{p}.mlp.c_fc.weight') + w(f'{p}.mlp.c_fc.bias')
        h = 0.5 * h * (1 + torch.tanh(math.sqrt(2 / math.pi) * (h + 0.044715 * h.pow(3))))      # gelu_new
        x = x + h @ w(f'{p}.mlp.c_proj.weight') + w(f'{p}.mlp.c_proj.bias')
    head = W['lm_head.weight'] if 'lm_head.weight' in W else w('wte.weight')
    return F.linear(ln(x, 'ln_f'), head)


def forward(c, W, ids, dtype):
    if c['model_type'] == 'gpt2':
        return gpt2(c, W, ids, dtype)
    if c['model_type'] in ('olmo', 'llama'):
        return rope_llama_olmo(c, W, ids, dtype)
    sys.exit(f'model_type {c["model_type"]!r} is not one of olmo, llama, gpt2')


def next_logprobs(c, W, ids, dtype):
    """ids [B, T] -> log p(ids[:, t+1] | ids[:, :t+1]) as [B, T-1]."""
    z = torch.log_softmax(forward(c, W, ids, dtype), dim=-1)
    return z[:, :-1].gather(-1, ids[:, 1:, None])[..., 0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['score', 'bench'])
    ap.add_argument('dir')
    ap.add_argument('--ids', default=None)
    ap.add_argument('--float64', action='store_true')
    for k, dflt in [('batch', 4), ('seq', 128), ('threads', 1), ('iters', 3), ('warmup', 1)]:
        ap.add_argument('--' + k, type=int, default=dflt)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    dtype = torch.float64 if a.float64 else torch.float32
    c = json.load(open(os.path.join(a.dir, 'config.json')))
    t0 = time.perf_counter()
    W = read_weights(a.dir, dtype)
    load_s = time.perf_counter() - t0
    with torch.no_grad():
        if a.mode == 'score':
            ids = torch.tensor([[int(s) for s in a.ids.split(',')]])
            lp = next_logprobs(c, W, ids, dtype)[0]
            print(json.dumps({'logprobs': [None] + [float(v) for v in lp]}))
            return
        ids = torch.randint(0, c['vocab_size'], (a.batch, a.seq), generator=torch.Generator().manual_seed(0))
        for _ in range(a.warmup):
            next_logprobs(c, W, ids, dtype).sum().item()
        times = []
        for _ in range(a.iters):
            t = time.perf_counter()
            next_logprobs(c, W, ids, dtype).sum().item()
            times.append(time.perf_counter() - t)
        med = statistics.median(times)
        print(json.dumps({'tok_s': round(a.batch * a.seq / med, 1), 'median_s': round(med, 4), 'times': [round(t, 4) for t in times],
                          'load_s': round(load_s, 2), 'threads': a.threads, 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
