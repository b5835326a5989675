/**
 * `lab info` and `lab score --engine ort` on small twins of the real-size shapes (OLMo-1B: BF16,
 * tied, sharded; TinyLlama-1.1B: F16, untied, 8 query heads per key/value head, RMSNorm; GPT-2 XL:
 * F32, 25 heads, sharded), written in Hugging Face layout with random weights
 * (test/helpers/write-hf-checkpoint.ts). Per-token log-probabilities are compared with the
 * independent PyTorch reference (test/helpers/hf-torch-reference.py, float64) within 1e-4.
 * The real sizes run in the slow tier (test-slow/real-size.test.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { lab, labSync } from './lab-child.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';
import { GPT2_XL_TWIN, OLMO_TWIN, TINYLLAMA_TWIN, type HfShape } from '../helpers/hf-shapes.ts';
import { writeHfCheckpoint, type WrittenCheckpoint } from '../helpers/write-hf-checkpoint.ts';

const PY = '/usr/bin/python3';
const REFERENCE = join(import.meta.dirname, '..', 'helpers', 'hf-torch-reference.py');
const hasTorch = spawnSync(PY, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const skip = hasTorch ? false : `${PY} with torch is not installed (apt-get install python3-torch)`;
const ENV = { LAB_QUIET: '1', LAB_OFFLINE: '1' };

/** Parameters by closed form from the published architecture (tied heads counted once). */
function expectedParameters(s: HfShape): number {
  const { V, C, L, F, H, K } = s;
  if (s.family === 'gpt2') return V * C + s.P * C + L * (4 * C + (3 * C * C + 3 * C) + (C * C + C) + (C * F + F) + (F * C + C)) + 2 * C;
  const D = C / H;
  const attn = 2 * C * H * D + 2 * C * K * D, mlp = 3 * C * F;
  const norms = s.family === 'llama' ? 2 * C : 0;
  return V * C * (s.tied ? 1 : 2) + L * (attn + mlp + norms) + (s.family === 'llama' ? C : 0);
}

async function torchLogprobs(dir: string, ids: readonly number[]): Promise<(number | null)[]> {
  const { stdout } = await promisify(execFile)(PY, [REFERENCE, 'score', dir, '--ids', ids.join(','), '--float64'], { encoding: 'utf8' });
  return (JSON.parse(stdout) as { logprobs: (number | null)[] }).logprobs;
}

for (const [shape, dtype, files] of [[OLMO_TWIN, 'BF16', 3], [TINYLLAMA_TWIN, 'F16', 1], [GPT2_XL_TWIN, 'F32', 3]] as const) {
  describe(`${shape.name} (${shape.family}, ${dtype})`, { skip }, () => {
    let ckpt: WrittenCheckpoint;
    before(() => { ckpt = writeHfCheckpoint(shape, { seed: 5 }); });
    after(() => { if (ckpt) rmSync(ckpt.dir, { recursive: true, force: true }); });

    test('lab info reads the shape, dtype and parameter count from the headers', () => {
      assert.equal(ckpt.files.length, files);
      const r = labSync(['info', ckpt.dir, '--json'], ENV);
      assert.equal(r.status, 0, r.stderr);
      const info = JSON.parse(r.stdout);
      assert.equal(info.family, shape.family);
      assert.deepEqual(info.dtypes, [dtype]);
      assert.equal(info.parameters.total, expectedParameters(shape));
      const gqa = { numKeyValueHeads: shape.K, headDim: shape.C / shape.H };
      assert.deepEqual(info.config, { vocabSize: shape.V, maxPositions: shape.P, hiddenSize: shape.C, numLayers: shape.L, numHeads: shape.H, ...gqa });
      assert.deepEqual(info.layers.map((l: { heads: number; kvHeads?: number }) => [l.heads, l.kvHeads ?? l.heads]), Array.from({ length: shape.L }, () => [shape.H, shape.K]));
    });

    let engineLine = '';
    test('lab score --engine ort matches the PyTorch float64 reference within 1e-4 per token', async () => {
      const rng = createRng(17);
      const ids = Array.from({ length: 40 }, () => rng.int(shape.V));
      const [r, ref] = await Promise.all([lab(['score', ckpt.dir, '--ids', ids.join(','), '--engine', 'ort', '--json'], { LAB_OFFLINE: '1', LAB_QUIET: '' }), torchLogprobs(ckpt.dir, ids)]);
      assert.equal(r.status, 0, r.stderr);
      engineLine = /\[lab\] engine: .*/.exec(r.stderr)?.[0] ?? 'no engine line';
      const ours = JSON.parse(r.stdout) as { logprobs: (number | null)[] };
      assert.equal(ours.logprobs.length, ids.length);
      assert.equal(ours.logprobs[0], null);
      let worst = 0;
      for (let t = 1; t < ids.length; t++) worst = Math.max(worst, Math.abs(ours.logprobs[t]! - ref[t]!));
      assert.ok(worst < 1e-4, `largest |ours - torch| ${worst.toExponential(2)}`);
      // random weights at std 0.08 make a peaked, non-uniform distribution: a wrong term would show
      const spread = Math.max(...ref.slice(1).map((x) => x!)) - Math.min(...ref.slice(1).map((x) => x!));
      assert.ok(spread > 1, `log-probabilities spread over ${spread.toFixed(2)} nats`);
    });

    // a tfjs fallback would print its own engine line (and could not hold a real-size model)
    test('the score ran on ONNX Runtime, not a tfjs fallback', () => {
      assert.match(engineLine, /engine: ort/, engineLine);
    });
  });
}
