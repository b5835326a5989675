#!/usr/bin/python3
"""PyTorch's side of the `ort-train-*` bench cases: a GPT-2 of the given shape (pre-LN, fused
q|k|v, gelu tanh, tied head, the same layout as the ONNX training graph) in train mode, with
dropout P (default 0) where HF's GPT-2 drops (embeddings, attention probabilities, each sublayer's
output), one update = forward + backward + torch.optim.AdamW (weight decay 0.01 on matrices).
usage: torch-train.py THREADS L H C V B T WARM TIMED [P] -> one JSON line (stepSeconds, loss, peakRssMiB)."""
import json, math, resource, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

threads, L, H, C, V, B, T, warm, timed = map(int, sys.argv[1:10])
P = float(sys.argv[10]) if len(sys.argv) > 10 else 0.0
torch.set_num_threads(threads)
torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(C), nn.LayerNorm(C)
        self.attn, self.proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.fc, self.fc2 = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)
        self.register_buffer('mask', torch.tril(torch.ones(T, T, dtype=torch.bool)), persistent=False)

    def forward(self, x):
        q, k, v = self.attn(self.ln1(x)).split(C, dim=2)
        q, k, v = [t.view(B, T, H, C // H).transpose(1, 2) for t in (q, k, v)]
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // H))
        att = F.dropout(F.softmax(att.masked_fill(~self.mask, float('-inf')), dim=-1), P, self.training)
        x = x + F.dropout(self.proj((att @ v).transpose(1, 2).contiguous().view(B, T, C)), P, self.training)
        return x + F.dropout(self.fc2(F.gelu(self.fc(self.ln2(x)), approximate='tanh')), P, self.training)


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(T, C)
        self.blocks = nn.ModuleList([Block() for _ in range(L)])
        self.lnf = nn.LayerNorm(C)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, 0.0, 0.02)

    def forward(self, idx, tgt):
        x = F.dropout(self.wte(idx) + self.wpe(torch.arange(T)), P, self.training)
        for b in self.blocks:
            x = b(x)
        logits = self.lnf(x) @ self.wte.weight.t()
        return F.cross_entropy(logits.view(-1, V), tgt.view(-1))


model = GPT()
model.train()
decay = [p for p in model.parameters() if p.dim() == 2]
rest = [p for p in model.parameters() if p.dim() < 2]
opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.01}, {'params': rest, 'weight_decay': 0.0}], lr=3e-4)
times, loss = [], float('nan')
for step in range(warm + timed):
    idx, tgt = torch.randint(0, V, (B, T)), torch.randint(0, V, (B, T))
    t0 = time.perf_counter()
    l = model(idx, tgt)
    opt.zero_grad(set_to_none=True)
    l.backward()
    opt.step()
    loss = l.item()
    if step >= warm:
        times.append(time.perf_counter() - t0)
print(json.dumps(dict(threads=threads, torch=torch.__version__, tokensPerStep=B * T, stepSeconds=times, loss=loss,
                      peakRssMiB=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))))
