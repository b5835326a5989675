/**
 * Test helper: an independent float64 OLMo forward in plain JS (no tfjs), written from the
 * transformers definitions (modular_olmo.py on Llama): loops over positions, heads and pairs
 * (i, i + D/2) for the rotation, kv head = floor(q head / rep), explicit causal softmax.
 * Weights are torch layout [out, in], given as nested row arrays.
 */
export interface RefConfig {
  readonly V: number; readonly C: number; readonly L: number; readonly H: number; readonly K: number;
  readonly D: number; readonly theta: number; readonly clip: number | null; readonly tied: boolean;
}
export type Mat = number[][];   // [rows][cols]
export type RefWeights = Map<string, Mat>;

/** Deterministic weights both this file and the python cross-check compute identically:
 *  element j (row-major) of the k-th tensor = scale * sin(1.7 * j + 0.9 * k + 0.1). */
export function formulaMatrix(rows: number, cols: number, k: number, scale: number): Mat {
  const m: Mat = [];
  for (let r = 0; r < rows; r++) {
    const row: number[] = [];
    for (let c = 0; c < cols; c++) row.push(scale * Math.sin(1.7 * (r * cols + c) + 0.9 * k + 0.1));
    m.push(row);
  }
  return m;
}

const matvec = (w: Mat, x: number[]): number[] => w.map((row) => row.reduce((s, v, j) => s + v * x[j]!, 0));
function norm(x: number[]): number[] {
  const mu = x.reduce((a, b) => a + b, 0) / x.length;
  const va = x.reduce((a, b) => a + (b - mu) * (b - mu), 0) / x.length;
  return x.map((v) => (v - mu) / Math.sqrt(va + 1e-5));
}
function rope(x: number[], t: number, D: number, theta: number): number[] {
  const out = x.slice();
  for (let i = 0; i < D / 2; i++) {
    const a = t / Math.pow(theta, (2 * i) / D);
    const x1 = x[i]!, x2 = x[i + D / 2]!;
    out[i] = x1 * Math.cos(a) - x2 * Math.sin(a);
    out[i + D / 2] = x2 * Math.cos(a) + x1 * Math.sin(a);
  }
  return out;
}

/** ids [T] of one sequence -> logits [T][V]. */
export function referenceLogits(cfg: RefConfig, w: RefWeights, ids: readonly number[]): number[][] {
  const { L, H, K, D } = cfg, rep = H / K;
  const g = (n: string) => w.get(n)!;
  const clip = (v: number[]) => (cfg.clip === null ? v : v.map((e) => Math.min(cfg.clip!, Math.max(-cfg.clip!, e))));
  let xs = ids.map((id) => g('model.embed_tokens.weight')[id]!.slice());
  for (let l = 0; l < L; l++) {
    const p = `model.layers.${l}`;
    const hs = xs.map(norm);
    const q = hs.map((h) => clip(matvec(g(`${p}.self_attn.q_proj.weight`), h)));
    const k = hs.map((h) => clip(matvec(g(`${p}.self_attn.k_proj.weight`), h)));
    const v = hs.map((h) => clip(matvec(g(`${p}.self_attn.v_proj.weight`), h)));
    const head = (vec: number[], hh: number) => vec.slice(hh * D, hh * D + D);
    const merged = xs.map((_, t) => {
      const out: number[] = [];
      for (let hh = 0; hh < H; hh++) {
        const kv = Math.floor(hh / rep);
        const qt = rope(head(q[t]!, hh), t, D, cfg.theta);
        const scores: number[] = [];
        for (let j = 0; j <= t; j++) {
          const kj = rope(head(k[j]!, kv), j, D, cfg.theta);
          scores.push(qt.reduce((s, e, d) => s + e * kj[d]!, 0) / Math.sqrt(D));
        }
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let d = 0; d < D; d++) out.push(e.reduce((s, pj, j) => s + (pj / z) * head(v[j]!, kv)[d]!, 0));
      }
      return out;
    });
    xs = xs.map((x, t) => { const a = matvec(g(`${p}.self_attn.o_proj.weight`), merged[t]!); return x.map((e, c) => e + a[c]!); });
    const h2 = xs.map(norm);
    xs = xs.map((x, t) => {
      const gt = matvec(g(`${p}.mlp.gate_proj.weight`), h2[t]!);
      const up = matvec(g(`${p}.mlp.up_proj.weight`), h2[t]!);
      const act = gt.map((e, f) => (e / (1 + Math.exp(-e))) * up[f]!);
      const d = matvec(g(`${p}.mlp.down_proj.weight`), act);
      return x.map((e, c) => e + d[c]!);
    });
  }
  const head = g(cfg.tied ? 'model.embed_tokens.weight' : 'lm_head.weight');
  return xs.map((x) => matvec(head, norm(x)));
}
