/**
 * The WebAssembly AdamW kernel (train/adamw-kernel.ts) against the update written out here with
 * Math.fround after every operation, in PyTorch's order (torch.optim.AdamW, single-tensor path):
 * bit-identical, through both of its paths (arrays in an arena, updated in place; any other arrays,
 * through the scratch memory chunk by chunk), at lengths that leave a ragged 4-float tail and
 * cross a chunk boundary. Arena neighbours are not touched by a slot's tail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adamwArena, adamwKernel, type AdamWKernelScalars } from '../../kernel-lib/train/adamw-kernel.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';

const f = Math.fround;

/** The reference: one update of w, m, v (copies returned), every operation rounded to float32. */
function reference(w0: Float32Array, m0: Float32Array, v0: Float32Array, g: Float32Array, k: AdamWKernelScalars) {
  const w = w0.slice(), m = m0.slice(), v = v0.slice();
  const gs = f(k.gradScale), c1 = f(1 - k.b1), b2 = f(k.b2), c2 = f(1 - k.b2), keep = f(k.keep), neg = f(-k.stepSize), bc = f(k.bc2Sqrt), eps = f(k.eps);
  for (let i = 0; i < w.length; i++) {
    const gi = f(g[i]! * gs);
    const wi = f(w[i]! * keep);                                   // param.mul_(1 - lr * wd)
    const mi = f(m[i]! + f(c1 * f(gi - m[i]!)));                  // exp_avg.lerp_(grad, 1 - beta1)
    const vi = f(f(v[i]! * b2) + f(f(c2 * gi) * gi));             // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2)
    const denom = f(f(f(Math.sqrt(vi)) / bc) + eps);              // (exp_avg_sq.sqrt() / bc2_sqrt).add_(eps)
    w[i] = f(wi + f(f(neg * mi) / denom));                        // param.addcdiv_(exp_avg, denom, value=-step_size)
    m[i] = mi; v[i] = vi;
  }
  return { w, m, v };
}

function randomState(n: number, seed: number) {
  const r = createRng(seed);
  const u = () => r.next() * 2 - 1;
  return {
    w: Float32Array.from({ length: n }, u), m: Float32Array.from({ length: n }, () => 0.01 * u()),
    v: Float32Array.from({ length: n }, () => 1e-4 * u() ** 2), g: Float32Array.from({ length: n }, u),
  };
}

const scalars = (t: number, decayed: boolean): AdamWKernelScalars => ({
  b1: 0.9, b2: 0.999, eps: 1e-8, stepSize: 3e-3 / (1 - 0.9 ** t), bc2Sqrt: Math.sqrt(1 - 0.999 ** t), keep: decayed ? 1 - 3e-3 * 0.01 : 1, gradScale: 0.37,
});

const same = (got: Float32Array, want: Float32Array, what: string) => {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) assert.fail(`${what}[${i}]: ${got[i]} vs ${want[i]}`);
};

test('plain arrays (chunked through the scratch memory) give the float32 reference bit for bit', () => {
  for (const [n, t, decayed] of [[1, 1, false], [7, 2, true], [16384 + 5, 3, true], [40000, 10, false]] as const) {
    const s = randomState(n, n);
    const want = reference(s.w, s.m, s.v, s.g, scalars(t, decayed));
    adamwKernel(s.w, s.m, s.v, s.g, scalars(t, decayed));
    same(s.w, want.w, `w (n ${n})`); same(s.m, want.m, `m (n ${n})`); same(s.v, want.v, `v (n ${n})`);
  }
});

test('arena arrays are updated in place, bit for bit, and a ragged tail leaves the next slot alone', () => {
  const lengths = [5, 3, 16384 + 2];
  const slots = adamwArena(lengths.map((n) => [n, n, n, n]));
  const states = lengths.map((n, k) => randomState(n, 100 + k));
  slots.forEach(([w, m, v, g], k) => { w!.set(states[k]!.w); m!.set(states[k]!.m); v!.set(states[k]!.v); g!.set(states[k]!.g); });
  const first = slots[0]!, second = slots[1]!;
  assert.equal(first[0]!.buffer, second[0]!.buffer, 'the slots share one arena');
  const secondBefore = second.map((a) => a.slice());
  adamwKernel(first[0]!, first[1]!, first[2]!, first[3]!, scalars(4, true));
  second.forEach((a, j) => same(a, secondBefore[j]!, `untouched neighbour array ${j}`));
  const want = reference(states[0]!.w, states[0]!.m, states[0]!.v, states[0]!.g, scalars(4, true));
  same(first[0]!, want.w, 'w'); same(first[1]!, want.m, 'm'); same(first[2]!, want.v, 'v');
  const big = slots[2]!, wantBig = reference(states[2]!.w, states[2]!.m, states[2]!.v, states[2]!.g, scalars(1, false));
  adamwKernel(big[0]!, big[1]!, big[2]!, big[3]!, scalars(1, false));
  same(big[0]!, wantBig.w, 'w (long slot)'); same(big[1]!, wantBig.m, 'm (long slot)'); same(big[2]!, wantBig.v, 'v (long slot)');
  for (const a of slots.flat()) assert.equal(a.byteOffset % 16, 0, 'every array starts 16-byte aligned');
});
