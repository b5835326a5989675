/**
 * One AdamW update of the mini-bpe model's 4,240,896 parameters, four ways, interleaved in one
 * process (each round runs all four on the same state, so load changes hit them alike):
 *  - kernel: train/adamw-kernel.ts on arrays in its arena, in place (what the ORT engine runs);
 *  - kernelCopied: the same kernel on plain Float32Arrays, chunked through its scratch memory
 *    (the tfjs engines' gradient sums live elsewhere);
 *  - jsLoop: the per-element JavaScript loop (float64 arithmetic) the kernel replaced;
 *  - graph: the update as an ONNX Runtime graph (Mul / Add / Sub / Div / Sqrt over the flat
 *    arrays, 2 threads), new w, m, v copied back: the "AdamW in the graph" alternative.
 * Reported: the median milliseconds of each (extra columns); tokens are not meaningful here, so
 * tokensPerStep is the parameter count and the main column is parameters per second of the kernel.
 */
import type { BenchCase, BenchResult } from '../case.ts';
import { median } from '../case.ts';
import { OnnxGraph } from '../../kernel-lib/engine/onnx-graph.ts';
import { loadOrt } from '../../kernel-lib/engine/ort-runtime.ts';
import { adamwArena, adamwKernel, type AdamWKernelScalars } from '../../kernel-lib/train/adamw-kernel.ts';

const N = 4_240_896, ROUNDS = 10, WARM = 2;

function jsLoop(w: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, k: AdamWKernelScalars): void {
  const { b1, b2, eps, stepSize, bc2Sqrt, keep, gradScale } = k;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i]! * gradScale;
    const mi = b1 * m[i]! + (1 - b1) * gi;
    const vi = b2 * v[i]! + (1 - b2) * gi * gi;
    m[i] = mi; v[i] = vi;
    w[i] = w[i]! * keep - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}

async function run(): Promise<BenchResult> {
  const { ort, reason } = loadOrt();
  if (!ort) throw new Error(`adamw-update: ${reason}`);
  const g = new OnnxGraph('adamw');
  const [w, m, v, gr] = ['w', 'm', 'v', 'g'].map((n) => g.input(n, 'float32', [N])) as [string, string, string, string];
  const s = (n: string) => g.input(n, 'float32', [1]);
  const gs = s('gs'), c1 = s('c1'), b2 = s('b2'), c2 = s('c2'), keep = s('keep'), neg = s('neg'), bc = s('bc'), eps = s('eps');
  const gg = g.op('Mul', [gr, gs]);
  const m2 = g.op('Add', [m, g.op('Mul', [c1, g.op('Sub', [gg, m])])]);
  const v2 = g.op('Add', [g.op('Mul', [v, b2]), g.op('Mul', [g.op('Mul', [c2, gg]), gg])]);
  const w2 = g.op('Add', [g.op('Mul', [w, keep]), g.op('Div', [g.op('Mul', [neg, m2]), g.op('Add', [g.op('Div', [g.op('Sqrt', [v2]), bc]), eps])])]);
  g.output(w2, 'w2', 'float32', [N]); g.output(m2, 'm2', 'float32', [N]); g.output(v2, 'v2', 'float32', [N]);
  const session = ort.newSession();
  const bytes = g.toBytes();
  session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, { intraOpNumThreads: 2, graphOptimizationLevel: 'all' });

  const [arena] = adamwArena([[N, N, N, N]]) as [[Float32Array, Float32Array, Float32Array, Float32Array]];
  const plain = [0, 1, 2, 3].map(() => new Float32Array(N));
  for (const a of [...arena, ...plain]) for (let i = 0; i < N; i++) a[i] = 0.01 * Math.sin(i);
  const k: AdamWKernelScalars = { b1: 0.9, b2: 0.999, eps: 1e-8, stepSize: 1e-3, bc2Sqrt: 0.5, keep: 0.99, gradScale: 0.5 };
  const one = (x: number) => ort.tensor('float32', new Float32Array([x]), [1]);
  const ms: Record<'kernel' | 'kernelCopied' | 'jsLoop' | 'graph', number[]> = { kernel: [], kernelCopied: [], jsLoop: [], graph: [] };
  const time = (key: keyof typeof ms, r: number, f: () => void) => { const t0 = performance.now(); f(); if (r >= WARM) ms[key].push(performance.now() - t0); };
  for (let r = 0; r < WARM + ROUNDS; r++) {
    const [aw, am, av, ag] = arena, [pw, pm, pv, pg] = plain as [Float32Array, Float32Array, Float32Array, Float32Array];
    time('kernel', r, () => adamwKernel(aw, am, av, ag, k));
    time('kernelCopied', r, () => adamwKernel(pw, pm, pv, pg, k));
    time('jsLoop', r, () => jsLoop(pw, pm, pv, pg, k));
    time('graph', r, () => {
      const out = session.run({
        w: ort.tensor('float32', pw, [N]), m: ort.tensor('float32', pm, [N]), v: ort.tensor('float32', pv, [N]), g: ort.tensor('float32', pg, [N]),
        gs: one(k.gradScale), c1: one(1 - k.b1), b2: one(k.b2), c2: one(1 - k.b2), keep: one(k.keep), neg: one(-k.stepSize), bc: one(k.bc2Sqrt), eps: one(k.eps),
      }, { w2: null, m2: null, v2: null }, {});
      pw.set(out.w2!.data as Float32Array); pm.set(out.m2!.data as Float32Array); pv.set(out.v2!.data as Float32Array);
    });
  }
  session.dispose();
  const med = (key: keyof typeof ms) => +median(ms[key]).toFixed(2);
  return {
    tokensPerStep: N, stepSeconds: ms.kernel.map((x) => x / 1000), cpuSeconds: ms.kernel.map(() => NaN),
    extra: { parameters: N, kernelMs: med('kernel'), kernelCopiedMs: med('kernelCopied'), jsLoopMs: med('jsLoop'), graphMs: med('graph'), rounds: ROUNDS },
  };
}

export const cases: BenchCase[] = [{
  name: 'adamw-update',
  description: 'one AdamW update of 4,240,896 parameters (mini-bpe): the wasm kernel in place and chunked, the JavaScript loop it replaced, and the same update as an ONNX Runtime graph (2 threads)',
  run,
}];
