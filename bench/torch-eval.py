#!/usr/bin/python3
"""PyTorch side of the engine bench (bench/cases/engine.ts): the same GPT-2 architecture at a
given shape, random weights, on a given number of threads.

  --mode fwd:  ids [B, T] -> logits at every position -> mean cross-entropy (as torch-gpt2-bench)
  --mode eval: token requests from --requests FILE (JSON [[context ids], [continuation ids]] list)
               scored as the evaluation harness does: sorted by length (longest first), right-padded
               batches of --batch, hidden states for all positions, the tied LM head and
               log-softmax only at the continuation positions, summed per request.
  --mode shared: the same requests scored as the shared-context path (eval/shared-context-plan.ts):
               one row per distinct context, the context once and then every distinct continuation
               head (cont[:-1]) with positions restarting after the context, each attending to the
               context and itself only (a boolean mask); rows longest first, a batch takes rows while
               rows x longest <= --pass-tokens (at least --batch 1); head only at scored positions.
Prints one JSON line: tokens/s (model input tokens per request, summed, per second), median step
seconds, times, and total_logprob (the sum of every request's log-likelihood: the same value in
eval and shared mode up to float rounding).
Run with Debian's /usr/bin/python3 (python3-torch + libopenblas0-openmp).
"""
import argparse, json, math, os, statistics, time
import torch
import torch.nn as nn
import torch.nn.functional as F


class Layer(nn.Module):
    def __init__(self, C, H, P):
        super().__init__()
        self.H = H
        self.norm1, self.norm2 = nn.LayerNorm(C), nn.LayerNorm(C)
        self.qkv, self.out = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.up, self.down = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)
        self.register_buffer('causal', torch.tril(torch.ones(P, P, dtype=torch.bool)), persistent=False)

    def forward(self, x, allowed=None):
        B, T, C = x.shape
        D = C // self.H
        q, k, v = [t.reshape(B, T, self.H, D).permute(0, 2, 1, 3) for t in self.qkv(self.norm1(x)).chunk(3, dim=-1)]
        s = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(D)
        s = s.masked_fill(~(self.causal[:T, :T] if allowed is None else allowed), float('-inf'))
        y = torch.matmul(s.softmax(-1), v).permute(0, 2, 1, 3).reshape(B, T, C)
        x = x + self.out(y)
        return x + self.down(F.gelu(self.up(self.norm2(x)), approximate='tanh'))


class Model(nn.Module):
    def __init__(self, L, H, C, V, P):
        super().__init__()
        self.tok, self.pos = nn.Embedding(V, C), nn.Embedding(P, C)
        self.layers = nn.ModuleList([Layer(C, H, P) for _ in range(L)])
        self.norm = nn.LayerNorm(C)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, 0.0, 0.02)

    def hidden(self, ids, pos=None, allowed=None):
        x = self.tok(ids) + self.pos(torch.arange(ids.shape[1]) if pos is None else pos)
        for layer in self.layers:
            x = layer(x, allowed)
        return self.norm(x)


def shared_rows(reqs):
    """[(ctx, [(tail, [(request, last)])])] per distinct context, longest row first."""
    rows = {}
    for i, (ctx, cont) in enumerate(reqs):
        segs = rows.setdefault(tuple(ctx), {})
        segs.setdefault(tuple(cont[:-1]), []).append((i, cont[-1]))
    out = [(list(c), [(list(t), m) for t, m in segs.items()]) for c, segs in rows.items()]
    return sorted(out, key=lambda r: -(len(r[0]) + sum(len(t) for t, _ in r[1])))


def main():
    ap = argparse.ArgumentParser()
    for k, d in [('layers', 4), ('heads', 4), ('embd', 256), ('vocab', 50257), ('batch', 8), ('seq', 128), ('threads', 1), ('iters', 5), ('warmup', 1)]:
        ap.add_argument('--' + k, type=int, default=d)
    ap.add_argument('--mode', default='fwd')
    ap.add_argument('--pass-tokens', type=int, default=2048)
    ap.add_argument('--requests', default=None)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    m = Model(a.layers, a.heads, a.embd, a.vocab, 1024).eval()
    if a.mode == 'fwd':
        ids = torch.randint(0, a.vocab, (a.batch, a.seq))
        tgt = torch.randint(0, a.vocab, (a.batch, a.seq))
        tokens = a.batch * a.seq

        def step():
            z = m.hidden(ids) @ m.tok.weight.t()
            return F.cross_entropy(z.reshape(-1, a.vocab), tgt.reshape(-1)).item()
    elif a.mode == 'shared':
        reqs = json.load(open(a.requests))
        rows = shared_rows(reqs)
        tokens = sum(len(ctx) + len(cont) - 1 for ctx, cont in reqs)

        def step():
            total = 0.0
            s = 0
            while s < len(rows):
                T = len(rows[s][0]) + sum(len(t) for t, _ in rows[s][1])
                e = min(len(rows), s + a.batch)
                while e < len(rows) and (e - s + 1) * T <= a.pass_tokens:
                    e += 1
                batch, s = rows[s:e], e
                B = len(batch)
                ids = torch.zeros(B, T, dtype=torch.long)
                pos = torch.zeros(B, T, dtype=torch.long)
                seg = torch.full((B, T), -1, dtype=torch.long)
                at_pos, tg, wt = [], [], []   # wt: requests that share the pair (a tail token counts for each member)
                for b, (ctx, segs) in enumerate(batch):
                    c = len(ctx)
                    ids[b, :c] = torch.tensor(ctx)
                    pos[b, :c] = torch.arange(c)
                    seg[b, :c] = 0
                    at = c
                    for j, (tail, members) in enumerate(segs):
                        n = len(tail)
                        ids[b, at:at + n] = torch.tensor(tail, dtype=torch.long)
                        pos[b, at:at + n] = torch.arange(c, c + n)
                        seg[b, at:at + n] = j + 1
                        where = [b * T + c - 1] + [b * T + at + q for q in range(n)]
                        at_pos += where[:n]
                        tg += tail
                        wt += [len(members)] * n
                        for _, last in members:
                            at_pos.append(where[n])
                            tg.append(last)
                            wt.append(1)
                        at += n
                causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
                allowed = (causal & ((seg[:, :, None] == seg[:, None, :]) | (seg[:, None, :] == 0)))[:, None]   # [B, 1, T, T]
                h = m.hidden(ids, pos, allowed).reshape(-1, a.embd)[torch.tensor(at_pos)]
                lp = (h @ m.tok.weight.t()).log_softmax(-1)
                total += (lp[torch.arange(len(tg)), torch.tensor(tg)] * torch.tensor(wt, dtype=torch.float32)).sum().item()
            return total
    else:
        reqs = json.load(open(a.requests))
        conts = {i: len(c) for i, (_, c) in enumerate(reqs)}
        order = sorted(range(len(reqs)), key=lambda i: -(len(reqs[i][0]) + len(reqs[i][1])))
        tokens = sum(len(ctx) + len(cont) - 1 for ctx, cont in reqs)

        def step():
            total = 0.0
            for s in range(0, len(order), a.batch):
                idx = order[s:s + a.batch]
                inputs = [(reqs[i][0] + reqs[i][1])[:-1] for i in idx]
                T = max(len(r) for r in inputs)
                ids = torch.zeros(len(idx), T, dtype=torch.long)
                pos, tg = [], []
                for b, (i, r) in enumerate(zip(idx, inputs)):
                    ids[b, :len(r)] = torch.tensor(r)
                    n = conts[i]
                    pos += [b * T + len(r) - n + j for j in range(n)]
                    tg += reqs[i][1]
                h = m.hidden(ids).reshape(-1, a.embd)[torch.tensor(pos)]
                lp = (h @ m.tok.weight.t()).log_softmax(-1)
                total += lp[torch.arange(len(tg)), torch.tensor(tg)].sum().item()
            return total
    with torch.no_grad():
        step_total = 0.0
        for _ in range(a.warmup):
            step_total = step()
        times = []
        for _ in range(a.iters):
            t0 = time.perf_counter()
            step()
            times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    print(json.dumps(dict(fw='torch', torch=torch.__version__, mode=a.mode, threads=a.threads, tokens=tokens, total_logprob=round(step_total, 3),
                          median_s=round(med, 4), tok_s=round(tokens / med, 1), times=[round(t, 4) for t in times],
                          load=[round(x, 2) for x in os.getloadavg()])))


if __name__ == '__main__':
    main()
