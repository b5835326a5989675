/**
 * Independent float64 reference of GPT-2 (transformers GPT2LMHeadModel, eval mode) in plain JS
 * loops, written from the architecture description (modeling_gpt2.py: pre-LN blocks, Conv1D
 * x @ W + b, q|k|v column blocks of h*D, scores / sqrt(D) with a causal mask, gelu_new =
 * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) with tanh itself, LayerNorm with biased
 * variance, tied head). No tfjs: used to check the library's logits, loss and gradients.
 * Per-layer head counts and MLP widths come from the arrays' shapes, as in the library.
 */
export interface RefTensor { readonly shape: readonly number[]; readonly data: Float64Array }
export type RefParams = ReadonlyMap<string, RefTensor>;

function get(p: RefParams, n: string): RefTensor {
  const t = p.get(n);
  if (!t) throw new Error(`reference: missing ${n}`);
  return t;
}

function layerNorm(x: Float64Array[], g: Float64Array, b: Float64Array, eps: number): Float64Array[] {
  return x.map((row) => {
    const C = row.length;
    let mu = 0; for (const v of row) mu += v; mu /= C;
    let va = 0; for (const v of row) va += (v - mu) ** 2; va /= C;
    const inv = 1 / Math.sqrt(va + eps);
    return row.map((v, c) => (v - mu) * inv * g[c]! + b[c]!);
  });
}

function affine(x: Float64Array[], W: RefTensor, b: RefTensor): Float64Array[] {
  const [I, O] = W.shape as [number, number];
  return x.map((row) => {
    const out = new Float64Array(O);
    for (let o = 0; o < O; o++) {
      let s = b.data[o]!;
      for (let i = 0; i < I; i++) s += row[i]! * W.data[i * O + o]!;
      out[o] = s;
    }
    return out;
  });
}

const gelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));

/** logits [B*T][V] for ids [B*T] (row-major [B, T]); C = hidden size, H = config heads. */
export function referenceLogits(p: RefParams, ids: readonly number[], B: number, T: number, cfg: { L: number; H: number; eps: number }): Float64Array[] {
  const wte = get(p, 'wte.weight'), wpe = get(p, 'wpe.weight');
  const [V, C] = wte.shape as [number, number];
  const D = C / cfg.H;
  let x = ids.map((id, n) => {
    const t = n % T;
    return Float64Array.from({ length: C }, (_, c) => wte.data[id * C + c]! + wpe.data[t * C + c]!);
  });
  for (let l = 0; l < cfg.L; l++) {
    const P = (s: string) => get(p, `h.${l}.${s}`);
    const a = layerNorm(x, P('ln_1.weight').data, P('ln_1.bias').data, cfg.eps);
    const qkv = affine(a, P('attn.c_attn.weight'), P('attn.c_attn.bias'));
    const h = P('attn.c_attn.weight').shape[1]! / (3 * D);
    const merged = x.map(() => new Float64Array(h * D));
    for (let b = 0; b < B; b++) for (let hh = 0; hh < h; hh++) for (let i = 0; i < T; i++) {
      const q = qkv[b * T + i]!;
      const sc: number[] = [];
      for (let j = 0; j <= i; j++) {
        const k = qkv[b * T + j]!;
        let s = 0;
        for (let d = 0; d < D; d++) s += q[hh * D + d]! * k[(h + hh) * D + d]!;
        sc.push(s / Math.sqrt(D));
      }
      const m = Math.max(...sc);
      const e = sc.map((s) => Math.exp(s - m));
      const z = e.reduce((u, v) => u + v, 0);
      for (let j = 0; j <= i; j++) {
        const v = qkv[b * T + j]!;
        for (let d = 0; d < D; d++) merged[b * T + i]![hh * D + d] += (e[j]! / z) * v[(2 * h + hh) * D + d]!;
      }
    }
    const o = affine(merged, P('attn.c_proj.weight'), P('attn.c_proj.bias'));
    x = x.map((row, n) => row.map((v, c) => v + o[n]![c]!));
    const m2 = layerNorm(x, P('ln_2.weight').data, P('ln_2.bias').data, cfg.eps);
    const f = affine(m2, P('mlp.c_fc.weight'), P('mlp.c_fc.bias')).map((r) => r.map(gelu));
    const o2 = affine(f, P('mlp.c_proj.weight'), P('mlp.c_proj.bias'));
    x = x.map((row, n) => row.map((v, c) => v + o2[n]![c]!));
  }
  const hf = layerNorm(x, get(p, 'ln_f.weight').data, get(p, 'ln_f.bias').data, cfg.eps);
  return hf.map((row) => {
    const out = new Float64Array(V);
    for (let v = 0; v < V; v++) { let s = 0; for (let c = 0; c < C; c++) s += row[c]! * wte.data[v * C + c]!; out[v] = s; }
    return out;
  });
}

/** log_softmax of one logits row at `target`. */
export function refLogProb(row: Float64Array, target: number): number {
  let m = -Infinity; for (const v of row) m = Math.max(m, v);
  let s = 0; for (const v of row) s += Math.exp(v - m);
  return row[target]! - m - Math.log(s);
}

/** Mean masked next-token cross-entropy. */
export function referenceLoss(p: RefParams, ids: readonly number[], targets: readonly number[], mask: readonly number[], B: number, T: number, cfg: { L: number; H: number; eps: number }): number {
  const z = referenceLogits(p, ids, B, T, cfg);
  let s = 0, n = 0;
  for (let i = 0; i < B * T; i++) if (mask[i]) { s -= refLogProb(z[i]!, targets[i]!); n++; }
  return s / n;
}
