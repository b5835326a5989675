/**
 * Training tokens/s on ONNX Runtime (train/ort-gradients.ts: the hand-derived backward graph, plus
 * the host AdamW of train/adamw.ts) side by side with PyTorch train mode (bench/torch-train.py:
 * the same GPT-2 layout, forward + backward + torch.optim.AdamW, no dropout), 1 and 2 threads,
 * separate processes interleaved REPS times (ort, torch, ort, torch, ...): the median over each
 * process's median update time. Also ORT with per-block recomputation at 2 threads, and the peak
 * RSS of each. The wasm figures for the same shapes are the train-threads-* cases.
 * Shapes: the study's mini-bpe (L4 H4 C256 V4096, 4x128), L4 H4 C256 V50257 (8x128), and GPT-2 small
 * (124M: L12 H12 C768 V50257, 4x128; 2 threads only, one process each, to keep the case to minutes).
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase, BenchResult } from '../case.ts';
import { median } from '../case.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { childEnv } from '../../kernel-lib/runtime/settings.ts';
import { GPT2_SMALL } from '../../test/helpers/hf-shapes.ts';
import { writeHfCheckpoint } from '../../test/helpers/write-hf-checkpoint.ts';
import { labTimed } from '../../test/helpers/lab-timed.ts';

const here = dirname(fileURLToPath(import.meta.url));
const PY = '/usr/bin/python3';
const REPS = 3, WARM = 1, TIMED = 4;

interface Shape {
  readonly L: number; readonly H: number; readonly C: number; readonly V: number; readonly B: number; readonly T: number;
  /** Only the 2-thread modes, each process once (default: 1 and 2 threads, REPS times). */
  readonly twoThreadsOnce?: boolean;
}
type Mode = 'ort1' | 'torch1' | 'ort2' | 'torch2' | 'ortRecompute2';
interface ChildOut { tokensPerStep: number; stepSeconds: number[]; gradSeconds?: number[]; loss: number; peakRssMiB: number }

function runChild(mode: Mode, s: Shape, dropout = 0): ChildOut {
  const threads = mode.endsWith('1') ? 1 : 2;
  const dims = [s.L, s.H, s.C, s.V, s.B, s.T, WARM, TIMED, dropout].map(String);
  const r = mode.startsWith('torch')
    ? spawnSync(PY, [join(here, '..', 'torch-train.py'), String(threads), ...dims], { encoding: 'utf8' })
    : spawnSync(process.execPath, ['--import', 'tsx', join(here, '..', 'ort-train-child.ts'), mode === 'ortRecompute2' ? '1' : '0', ...dims],
      { encoding: 'utf8', env: childEnv({ LAB_QUIET: '1', LAB_ORT_THREADS: String(threads) }) });
  const line = r.stdout.trim().split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) throw new Error(`ort-train child (${mode}) failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(line) as ChildOut;
}

/** Share of an ORT update spent in the host AdamW (the rest: forward + backward on ONNX Runtime). */
function adamwShare(outs: readonly ChildOut[]): number {
  return +(1 - median(outs.map((o) => median(o.gradSeconds!))) / median(outs.map((o) => median(o.stepSeconds)))).toFixed(3);
}

async function compare(s: Shape): Promise<BenchResult> {
  const hasTorch = spawnSync(PY, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  const all: Mode[] = hasTorch ? ['ort1', 'torch1', 'ort2', 'torch2', 'ortRecompute2'] : ['ort1', 'ort2', 'ortRecompute2'];
  const modes = s.twoThreadsOnce ? all.filter((m) => m.endsWith('2')) : all;
  const reps = s.twoThreadsOnce ? 1 : REPS;
  const per = new Map<Mode, ChildOut[]>(modes.map((m) => [m, []]));
  const loads: number[] = [];
  for (let rep = 0; rep < reps; rep++) for (const m of modes) { per.get(m)!.push(runChild(m, s)); loads.push(loadavg()[0]!); }
  const tps = (m: Mode): number => (per.has(m) ? s.B * s.T / median(per.get(m)!.map((o) => median(o.stepSeconds))) : NaN);
  const rss = (m: Mode): number => (per.has(m) ? Math.max(...per.get(m)!.map((o) => o.peakRssMiB)) : NaN);
  const steps = per.get('ort2')!.map((o) => median(o.stepSeconds));
  return {
    tokensPerStep: s.B * s.T, stepSeconds: steps, cpuSeconds: steps.map(() => NaN),
    extra: {
      ortTokensPerSec1: +tps('ort1').toFixed(1), torchTokensPerSec1: +tps('torch1').toFixed(1), ratio1: +(tps('ort1') / tps('torch1')).toFixed(3),
      ortTokensPerSec2: +tps('ort2').toFixed(1), torchTokensPerSec2: +tps('torch2').toFixed(1), ratio2: +(tps('ort2') / tps('torch2')).toFixed(3),
      ortRecomputeTokensPerSec2: +tps('ortRecompute2').toFixed(1),
      ...(per.has('ort1') ? { ortAdamwShare1: adamwShare(per.get('ort1')!) } : {}), ortAdamwShare2: adamwShare(per.get('ort2')!),
      peakRssOrt2MiB: rss('ort2'), peakRssOrtRecompute2MiB: rss('ortRecompute2'), peakRssTorch2MiB: rss('torch2'),
      lossOrt: +per.get(modes[0]!)![0]!.loss.toFixed(4), lossTorch: hasTorch ? +per.get(modes[1]!)![0]!.loss.toFixed(4) : NaN,
      loadMin: +Math.min(...loads).toFixed(2), loadMax: +Math.max(...loads).toFixed(2), reps,
    },
  };
}

const shapes: readonly (Shape & { readonly name: string; readonly what: string })[] = [
  { name: 'minibpe', what: 'the study\'s mini-bpe (L4 H4 C256 V4096), 4x128 per update', L: 4, H: 4, C: 256, V: 4096, B: 4, T: 128 },
  { name: 'mini256', what: 'L4 H4 C256 V50257, 8x128 per update', L: 4, H: 4, C: 256, V: 50257, B: 8, T: 128 },
  { name: 'gpt2small', what: 'GPT-2 small (124M: L12 H12 C768 V50257), 4x128 per update, 2 threads', L: 12, H: 12, C: 768, V: 50257, B: 4, T: 128, twoThreadsOnce: true },
];

export const cases: BenchCase[] = shapes.map((s) => ({
  name: `ort-train-${s.name}`,
  description: `ONNX Runtime gradients + host AdamW vs PyTorch train mode + AdamW, 1 and 2 threads, interleaved: ${s.what}`,
  run: () => compare(s),
}));

/** What dropout costs each engine at the study's mini-bpe shape, 2 threads: ORT and PyTorch
 *  with dropout 0.1 at every GPT-2 site and without, interleaved REPS times. */
async function dropoutCost(): Promise<BenchResult> {
  const s = shapes[0]!;
  const hasTorch = spawnSync(PY, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  const arms = [['ort2', 0], ['ort2', 0.1], ...(hasTorch ? [['torch2', 0], ['torch2', 0.1]] : [])] as [Mode, number][];
  const per = arms.map(() => [] as ChildOut[]);
  for (let rep = 0; rep < REPS; rep++) arms.forEach(([m, p], k) => per[k]!.push(runChild(m, s, p)));
  const tps = (k: number) => (per[k] ? s.B * s.T / median(per[k]!.map((o) => median(o.stepSeconds))) : NaN);
  const rss = (k: number) => (per[k] ? Math.max(...per[k]!.map((o) => o.peakRssMiB)) : NaN);
  const steps = per[1]!.map((o) => median(o.stepSeconds));
  return {
    tokensPerStep: s.B * s.T, stepSeconds: steps, cpuSeconds: steps.map(() => NaN),
    extra: {
      // the side-by-side table's fields (bench/run.ts): the dropout arms
      shape: 'L4 H4 C256 V4096, 4x128', mode: 'train, dropout 0.1', threads: 2,
      torchTokensPerSec: +tps(3).toFixed(1), oursOverTorch: +(tps(1) / tps(3)).toFixed(3),
      ortNoDropoutTokensPerSec: +tps(0).toFixed(1), torchNoDropoutTokensPerSec: +tps(2).toFixed(1), oursOverTorchNoDropout: +(tps(0) / tps(2)).toFixed(3),
      ortDropoutCost: +(tps(0) / tps(1)).toFixed(3), torchDropoutCost: +(tps(2) / tps(3)).toFixed(3),
      peakRssOrtMiB: rss(0), peakRssOrtDropoutMiB: rss(1), peakRssTorchDropoutMiB: rss(3), reps: REPS,
    },
  };
}

cases.push({
  name: 'ort-train-dropout-minibpe',
  description: 'dropout 0.1 (every GPT-2 site) vs none, ONNX Runtime and PyTorch train mode + AdamW, 2 threads, interleaved: the study\'s mini-bpe shape, 4x128',
  run: dropoutCost,
});

/** GPT-2 small (124M, random weights) written as the hub's folder (config.json, model.safetensors,
 *  tokenizer) under the temp dir, fine-tuned by the real `lab finetune --engine ort` for a few
 *  updates on a corpus: the command's wall time, its peak RSS (GNU time) and the training loop's tokens/s. */
async function gpt2SmallFinetune(): Promise<BenchResult> {
  const ckpt = writeHfCheckpoint(GPT2_SMALL, { seed: 1 });
  const out = mkdtempSync(join(tmpdir(), 'lab-bench-ft-'));
  try {
    const steps = 6, B = 4, T = 128;
    const r = labTimed(['finetune', ckpt.dir, '--engine', 'ort', '--data', 'corpus:sotu', '--steps', String(steps), '--batch-size', String(B),
      '--block-size', String(T), '--lr', '1e-4', '--no-dropout', '--out', join(out, 'model')], { LAB_QUIET: '', LAB_ORT_THREADS: '2' });
    if (r.status !== 0) throw new Error(`lab finetune --engine ort failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    const line = r.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
    if (!line) throw new Error(`lab finetune printed no JSON line: ${r.stdout.slice(-500)}`);
    const res = JSON.parse(line) as { steps: number; tokensSeen: number; seconds: number; finalTrainLoss: number };
    return {
      tokensPerStep: B * T, stepSeconds: [res.seconds / res.steps], cpuSeconds: [NaN],
      extra: {
        parameters: ckpt.parameters, updates: res.steps, trainTokensPerSec: +(res.tokensSeen / res.seconds).toFixed(1), trainSeconds: res.seconds,
        commandSeconds: +r.wallSeconds.toFixed(1), peakRssMiB: Math.round(r.peakRssBytes / 2 ** 20),
        float32WeightsMiB: Math.round((4 * ckpt.parameters) / 2 ** 20), finalTrainLoss: +res.finalTrainLoss.toFixed(4),
      },
    };
  } finally {
    rmSync(ckpt.dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}

cases.push({
  name: 'ort-train-gpt2small-finetune',
  description: 'lab finetune --engine ort of a GPT-2 small (124M, random weights, HF folder) for 6 updates of 4x128 on the SOTU corpus, 2 threads: wall time, peak RSS, tokens/s',
  run: gpt2SmallFinetune,
});
