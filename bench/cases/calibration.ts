/**
 * Calibration statistics vs a plain forward at OLMo-1B's shape (LAB_REAL_SIZE=twin: its small
 * twin), from a checkpoint folder the tests' writer makes with random weights: ONNX Runtime
 * tokens/s of the statistics graph (engine/ort-channel-stats.ts: the decoder plus per-channel
 * moments of every output projection's input, merged in float64) and of the body graph (the
 * decoder alone, the same ids [4, 128]); overhead = statistics / plain median wall time, target <= 1.3;
 * overheadCpu the same ratio of CPU seconds, the steadier figure on a shared machine (another
 * process taking a core stretches one side's wall time, not its CPU time).
 * Sessions are freed between the two, so the peak holds one copy of the weights.
 */
import { rmSync } from 'node:fs';
import type { BenchCase, BenchResult } from '../case.ts';
import { median, timeSteps } from '../case.ts';
import { settings } from '../../kernel-lib/runtime/settings.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';
import { loadModel } from '../../kernel-lib/model/load-model.ts';
import { ortChannelStats } from '../../kernel-lib/engine/ort-channel-stats.ts';
import { ortScorePositions } from '../../kernel-lib/engine/ort-score-positions.ts';
import { disposeSessions } from '../../kernel-lib/engine/ort-sessions.ts';
import { realSizeShapes } from '../../test/helpers/hf-shapes.ts';
import { writeHfCheckpoint } from '../../test/helpers/write-hf-checkpoint.ts';

const B = 4, T = 128, WARM = 1, TIMED = 3;

async function run(): Promise<BenchResult> {
  const shape = realSizeShapes(settings().realSize).olmo;
  const ckpt = writeHfCheckpoint(shape, { seed: 1 });
  try {
    const model = await loadModel(ckpt.dir);
    const rng = createRng(3);
    const seqs = Array.from({ length: B }, () => Int32Array.from({ length: T }, () => rng.int(shape.V)));
    const stats = await timeSteps(() => { ortChannelStats(model, seqs, { batch: B }); }, WARM, TIMED);
    disposeSessions();
    const ids = Int32Array.from(seqs.flatMap((s) => [...s]));
    const pairs = seqs.map((s, b) => ({ pos: b * T + T - 2, target: s[T - 1]! }));   // one scored row per sequence: the decoder's cost
    const plain = await timeSteps(() => { ortScorePositions(model, ids, B, T, pairs); }, WARM, TIMED);
    disposeSessions();
    const ms = median(stats.wall), mp = median(plain.wall), cs = median(stats.cpu), cp = median(plain.cpu);
    return {
      tokensPerStep: B * T, stepSeconds: stats.wall, cpuSeconds: stats.cpu,
      extra: {
        shape: `${shape.name} L${shape.L} C${shape.C} F${shape.F} ${shape.dtype}, ${B} x ${T}`, mode: 'calibration statistics (ORT)',
        plainTokensPerSec: +((B * T) / mp).toFixed(1), overhead: +(ms / mp).toFixed(3), overheadCpu: +(cs / cp).toFixed(3),
        plainCpuSec: +cp.toFixed(3), parameters: ckpt.parameters,
      },
    };
  } finally {
    rmSync(ckpt.dir, { recursive: true, force: true });
  }
}

export const cases: BenchCase[] = [
  { name: 'realsize-olmo1b-calibration', description: "OLMo-1B's shape: ORT calibration statistics vs the plain decoder forward, 4 x 128 (overhead target <= 1.3)", run },
];
