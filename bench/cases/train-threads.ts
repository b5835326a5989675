/**
 * Training tokens/s of wasm on one core and on two, measured in one run: separate processes
 * alternating 1 thread, 2-thread XNNPACK pool (runtime/wasm-threads.ts) and 2 data-parallel
 * replicas (train/replicas.ts), REPS times each; the median over each process's median update
 * time, and the ratios to 1 thread. The reported steps are the replicas'; the other figures, peak
 * RSS of each and the load average go in the extra columns.
 * Shapes: the study's mini-bpe (L4 H4 C256 V4096) at its fine-tuning batch (4x128) and its
 * recovery batch (8x64); the older shipped mini (L4 H4 C128 V50257, 4x128); the PyTorch bench's
 * mini (L4 H4 C256 V50257, 8x128) and its 8k-vocabulary variant (V8192, 8x128).
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase, BenchResult } from '../case.ts';
import { median } from '../case.ts';
import { childEnv } from '../../kernel-lib/runtime/settings.ts';

const child = join(dirname(fileURLToPath(import.meta.url)), '..', 'train-threads-child.ts');
const REPS = 3, WARM = 2, TIMED = 4;

interface Shape { readonly L: number; readonly H: number; readonly C: number; readonly V: number; readonly B: number; readonly T: number }
type Mode = 'one' | 'pool' | 'replicas';
interface ChildOut { threads: number; tokensPerStep: number; stepSeconds: number[]; loss: number; peakRssMiB: number }

function runChild(mode: Mode, s: Shape): ChildOut {
  const threads = mode === 'one' ? 1 : 2;
  const args = [mode === 'replicas' ? 'replicas' : 'pool', ...[threads, s.L, s.H, s.C, s.V, s.B, s.T, WARM, TIMED].map(String)];
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, ...args], { encoding: 'utf8', env: childEnv({ LAB_QUIET: '1' }) });
  const line = r.stdout.trim().split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) throw new Error(`train-threads child (${mode}) failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  const out = JSON.parse(line) as ChildOut;
  if (out.threads !== threads) throw new Error(`asked for ${threads} wasm threads (${mode}), the child reports ${out.threads}`);
  return out;
}

async function compare(s: Shape): Promise<BenchResult> {
  const modes: Mode[] = ['one', 'pool', 'replicas'];
  const per: Record<Mode, ChildOut[]> = { one: [], pool: [], replicas: [] };
  const loads: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    for (const m of modes) { per[m].push(runChild(m, s)); loads.push(loadavg()[0]!); }
  }
  const tps = (m: Mode): number => s.B * s.T / median(per[m].map((o) => median(o.stepSeconds)));
  const range = (m: Mode): string => per[m].map((o) => (s.B * s.T / median(o.stepSeconds)).toFixed(0)).join('/');
  const one = tps('one'), pool = tps('pool'), rep = tps('replicas');
  const repSteps = per.replicas.map((o) => median(o.stepSeconds));
  return {
    tokensPerStep: s.B * s.T, stepSeconds: repSteps, cpuSeconds: repSteps.map(() => NaN),
    extra: {
      tokensPerSec1: +one.toFixed(1), tokensPerSecPool2: +pool.toFixed(1), tokensPerSecReplicas2: +rep.toFixed(1),
      ratioPool: +(pool / one).toFixed(3), ratioReplicas: +(rep / one).toFixed(3),
      range1: range('one'), rangePool2: range('pool'), rangeReplicas2: range('replicas'),
      peakRss1MiB: Math.max(...per.one.map((o) => o.peakRssMiB)), peakRssPool2MiB: Math.max(...per.pool.map((o) => o.peakRssMiB)), peakRssReplicas2MiB: Math.max(...per.replicas.map((o) => o.peakRssMiB)),
      lossDiffPool: Math.abs(per.one[0]!.loss - per.pool[0]!.loss), lossDiffReplicas: Math.abs(per.one[0]!.loss - per.replicas[0]!.loss),
      loadMin: +Math.min(...loads).toFixed(2), loadMax: +Math.max(...loads).toFixed(2), reps: REPS,
    },
  };
}

const shapes: readonly (Shape & { readonly name: string; readonly what: string })[] = [
  { name: 'minibpe', what: 'the study\'s mini-bpe (L4 H4 C256 V4096), 4x128 per update (fine-tuning)', L: 4, H: 4, C: 256, V: 4096, B: 4, T: 128 },
  { name: 'minibpe-recovery', what: 'mini-bpe (L4 H4 C256 V4096), 8x64 per update (pruning recovery)', L: 4, H: 4, C: 256, V: 4096, B: 8, T: 64 },
  { name: 'mini', what: 'mini (L4 H4 C128 V50257), 4x128 per update', L: 4, H: 4, C: 128, V: 50257, B: 4, T: 128 },
  { name: 'mini256', what: 'L4 H4 C256 V50257 (torch bench mini), 8x128 per update', L: 4, H: 4, C: 256, V: 50257, B: 8, T: 128 },
  { name: 'mini8k', what: 'L4 H4 C256 V8192, 8x128 per update', L: 4, H: 4, C: 256, V: 8192, B: 8, T: 128 },
];

export const cases: BenchCase[] = shapes.map((s) => ({
  name: `train-threads-${s.name}`,
  description: `finetune() on wasm, 1 thread vs 2-thread pool vs 2 replicas, interleaved: ${s.what}`,
  run: () => compare(s),
}));
