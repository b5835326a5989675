/**
 * Real-size forward passes beside PyTorch, from a checkpoint folder written with random weights
 * by the tests' writer (test/helpers/write-hf-checkpoint.ts), in one case each:
 *  - realsize-olmo1b-forward:  OLMo-1B's shape (BF16, 2 shards, tied; 1.18B parameters)
 *  - realsize-gpt2xl-forward:  GPT-2 XL's shape (F32, 2 shards, 25 heads; 1.56B parameters)
 * Each case writes the folder, then
 *  1. times `lab score DIR --ids (128 ids) --engine ort` from command start to its exit: the time
 *     to the first score (node start, load, session build, one forward), with its peak RSS;
 *  2. per thread count (1, 2): ONNX Runtime tokens/s scoring ids [4, 128] (the next-id
 *     log-probability at every position) in a fresh process (bench/realsize-forward-child.ts), and
 *     PyTorch float32 on the same folder, shapes and threads (test/helpers/hf-torch-reference.py
 *     bench), ratio = ours / PyTorch (target >= 1.0).
 * The main figures are the 1-thread ones; the 2-thread ones are the *2t fields. LAB_REAL_SIZE=twin
 * runs the same steps on the small twins (a plumbing check).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase, BenchResult } from '../case.ts';
import { median } from '../case.ts';
import { childEnv, settings } from '../../kernel-lib/runtime/settings.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';
import { realSizeShapes, type HfShape } from '../../test/helpers/hf-shapes.ts';
import { writeHfCheckpoint } from '../../test/helpers/write-hf-checkpoint.ts';
import { labTimed } from '../../test/helpers/lab-timed.ts';

const here = dirname(fileURLToPath(import.meta.url));
const CHILD = join(here, '..', 'realsize-forward-child.ts');
const REFERENCE = join(here, '..', '..', 'test', 'helpers', 'hf-torch-reference.py');
const B = 4, T = 128, WARM = 1, TIMED = 3;

interface Side { readonly tokS: number; readonly wall: readonly number[]; readonly cpu: readonly number[]; readonly loadSec: number; readonly firstStepSec: number; readonly peakRssMiB: number }

function ours(dir: string, threads: number): Side {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, dir, ...[threads, B, T, WARM, TIMED].map(String)], { encoding: 'utf8', env: childEnv({ LAB_QUIET: '1' }) });
  const line = r.stdout.trim().split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) throw new Error(`realsize-forward-child (${threads} threads) failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  const o = JSON.parse(line) as Omit<Side, 'tokS'>;
  return { ...o, tokS: (B * T) / median(o.wall) };
}

function torch(dir: string, threads: number): { tokS: number; loadSec: number } {
  const args = [REFERENCE, 'bench', dir, '--batch', `${B}`, '--seq', `${T}`, '--threads', `${threads}`, '--iters', `${TIMED}`, '--warmup', `${WARM}`];
  const r = spawnSync('/usr/bin/python3', args, { encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) throw new Error(`hf-torch-reference.py bench failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}`);
  const o = JSON.parse(line) as { tok_s: number; load_s: number };
  return { tokS: o.tok_s, loadSec: o.load_s };
}

async function run(pick: 'olmo' | 'gpt2'): Promise<BenchResult> {
  const shape: HfShape = realSizeShapes(settings().realSize)[pick];
  const ckpt = writeHfCheckpoint(shape, { seed: 1 });
  try {
    const rng = createRng(5);
    const ids = Array.from({ length: T }, () => rng.int(shape.V));
    const first = labTimed(['score', ckpt.dir, '--ids', ids.join(','), '--engine', 'ort', '--json'], { LAB_QUIET: '' });
    if (first.status !== 0) throw new Error(`lab score failed: ${first.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    const engine = /\[lab\] engine: .*/.exec(first.stderr)?.[0] ?? 'no engine line';
    if (!engine.includes('engine: ort')) throw new Error(`lab score did not run on ONNX Runtime: ${engine}`);
    const [o1, o2] = [ours(ckpt.dir, 1), ours(ckpt.dir, 2)];
    const [p1, p2] = [torch(ckpt.dir, 1), torch(ckpt.dir, 2)];
    return {
      tokensPerStep: B * T, stepSeconds: o1.wall, cpuSeconds: o1.cpu,
      extra: {
        shape: `${shape.name} L${shape.L} C${shape.C} H${shape.H} V${shape.V} ${shape.dtype}, ${B} x ${T}`, mode: 'fwd', threads: 1,
        parameters: ckpt.parameters, writeSec: +ckpt.seconds.toFixed(1),
        firstScoreSec: +first.wallSeconds.toFixed(1), firstScorePeakRssMiB: Math.round(first.peakRssBytes / 2 ** 20),
        loadSec: o1.loadSec, firstStepSec: o1.firstStepSec, childPeakRssMiB: Math.max(o1.peakRssMiB, o2.peakRssMiB),
        torchTokensPerSec: p1.tokS, oursOverTorch: +(o1.tokS / p1.tokS).toFixed(3), torchLoadSec: p1.loadSec,
        tokensPerSec2t: +o2.tokS.toFixed(1), torchTokensPerSec2t: p2.tokS, oursOverTorch2t: +(o2.tokS / p2.tokS).toFixed(3),
      },
    };
  } finally {
    rmSync(ckpt.dir, { recursive: true, force: true });
  }
}

export const cases: BenchCase[] = [
  { name: 'realsize-olmo1b-forward', description: "OLMo-1B's shape from an HF folder: time to first lab score; ORT vs PyTorch forward 4 x 128, 1 and 2 threads", run: () => run('olmo') },
  { name: 'realsize-gpt2xl-forward', description: "GPT-2 XL's shape from an HF folder: time to first lab score; ORT vs PyTorch forward 4 x 128, 1 and 2 threads", run: () => run('gpt2') },
];
