/**
 * Training tokens/s of wasm with 1 thread and with 2 threads (runtime/wasm-threads.ts), measured in
 * one run: separate processes alternating 1, 2, 1, 2, ... (REPS each), the median over each
 * process's median update time, and the ratio. The reported steps are the 2-thread ones; the
 * 1-thread figure, the ratio, peak RSS of both and the load average go in the extra columns.
 * Shapes: the shipped mini (L4 H4 C128 V50257, 4x128 per update, like `train-mini`), the PyTorch
 * bench's mini (L4 H4 C256 V50257, 8x128) and its 8k-vocabulary variant (V8192, 8x128).
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase, BenchResult } from '../case.ts';
import { median } from '../case.ts';
import { childEnv } from '../../kernel-lib/runtime/settings.ts';

const child = join(dirname(fileURLToPath(import.meta.url)), '..', 'train-threads-child.ts');
const REPS = 3, WARM = 1, TIMED = 3;

interface Shape { readonly L: number; readonly H: number; readonly C: number; readonly V: number; readonly B: number; readonly T: number }
interface ChildOut { threads: number; tokensPerStep: number; stepSeconds: number[]; loss: number; peakRssMiB: number }

function runChild(threads: number, s: Shape): ChildOut {
  const args = [threads, s.L, s.H, s.C, s.V, s.B, s.T, WARM, TIMED].map(String);
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, ...args], { encoding: 'utf8', env: childEnv({ LAB_QUIET: '1' }) });
  const line = r.stdout.trim().split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) throw new Error(`train-threads child (${threads} threads) failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  const out = JSON.parse(line) as ChildOut;
  if (out.threads !== threads) throw new Error(`asked for ${threads} wasm threads, the backend reports ${out.threads}`);
  return out;
}

async function compare(s: Shape): Promise<BenchResult> {
  const per: Record<1 | 2, ChildOut[]> = { 1: [], 2: [] };
  const loads: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    for (const n of [1, 2] as const) { per[n].push(runChild(n, s)); loads.push(loadavg()[0]!); }
  }
  const tps = (n: 1 | 2): number => s.B * s.T / median(per[n].map((o) => median(o.stepSeconds)));
  const one = tps(1), two = tps(2);
  const twoSteps = per[2].map((o) => median(o.stepSeconds));
  return {
    tokensPerStep: s.B * s.T, stepSeconds: twoSteps, cpuSeconds: twoSteps.map(() => NaN),
    extra: {
      tokensPerSec1: +one.toFixed(1), tokensPerSec2: +two.toFixed(1), ratio: +(two / one).toFixed(3),
      range1: per[1].map((o) => (s.B * s.T / median(o.stepSeconds)).toFixed(0)).join('/'),
      range2: per[2].map((o) => (s.B * s.T / median(o.stepSeconds)).toFixed(0)).join('/'),
      peakRss1MiB: Math.max(...per[1].map((o) => o.peakRssMiB)), peakRss2MiB: Math.max(...per[2].map((o) => o.peakRssMiB)),
      lossDiff: Math.abs(per[1][0]!.loss - per[2][0]!.loss), loadMin: +Math.min(...loads).toFixed(2), loadMax: +Math.max(...loads).toFixed(2), reps: REPS,
    },
  };
}

export const cases: BenchCase[] = [
  { name: 'train-threads-mini', description: 'finetune() on wasm, 1 vs 2 threads interleaved: mini (L4 H4 C128 V50257), 4x128 per update', run: () => compare({ L: 4, H: 4, C: 128, V: 50257, B: 4, T: 128 }) },
  { name: 'train-threads-mini256', description: 'finetune() on wasm, 1 vs 2 threads interleaved: L4 H4 C256 V50257 (torch bench mini), 8x128 per update', run: () => compare({ L: 4, H: 4, C: 256, V: 50257, B: 8, T: 128 }) },
  { name: 'train-threads-mini8k', description: 'finetune() on wasm, 1 vs 2 threads interleaved: L4 H4 C256 V8192, 8x128 per update', run: () => compare({ L: 4, H: 4, C: 256, V: 8192, B: 8, T: 128 }) },
];
