/**
 * finetune({ engine: 'ort' }) (train/ort-engine.ts: ONNX Runtime gradients, host AdamW) against
 * the default tfjs engine on the same model, data and config: 20 updates (2 micro-batches each,
 * gradient clipping active) give the same per-update losses within 1e-3 relative, and the same
 * final weights within 1e-3 (largest difference relative to the largest weight; the key biases,
 * whose true gradient is zero, are left out: see the test). With dropout (the config's 0.1 at
 * every GPT-2 site): the same seed gives the same losses, another seed other losses, and both
 * differ from evaluation mode. An unknown engine name is refused naming it.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finetune, initBackend } from '../../kernel-lib/index.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';
import { tinyModel } from '../helpers/tiny-gpt2.ts';
import { heldOutLoss } from '../../kernel-lib/train/batch-tensors.ts';
import { lmObjective } from '../../kernel-lib/train/lm-objective.ts';

before(async () => { await initBackend({ quiet: true }); });

const V = 53, T = 12;
const rng = createRng(21);
const blocks = Array.from({ length: 40 }, () => ({ ids: Int32Array.from({ length: T + 1 }, () => rng.int(V)) }));

async function run(engine: 'ort' | 'tfjs', extra: Record<string, unknown> = {}): Promise<{ losses: number[]; weights: Map<string, Float32Array> }> {
  const { model } = tinyModel({ V, P: 16, C: 16, L: 2, H: 2, headsPerLayer: [2, 1], mlpPerLayer: [48, 20] }, 31);
  const dir = mkdtempSync(join(tmpdir(), `lab-ort-engine-${engine}-`));
  const losses: number[] = [];
  try {
    const { model: out } = await finetune(model, blocks,
      { steps: 20, batchSize: 2, accumulation: 2, dropout: false, shuffle: false, runDir: dir, lr: 5e-3, warmupSteps: 2, maxGradNorm: 0.5, saveEvery: 0, ...extra },
      { handleSigint: false, engine, onRecord: (r) => losses.push(r.loss!) });
    return { losses, weights: new Map([...out.params].map(([n, v]) => [n, v.dataSync() as Float32Array])) };
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('20 updates on the ort engine follow the tfjs engine within 1e-3', async () => {
  const a = await run('ort'), b = await run('tfjs');
  assert.equal(a.losses.length, 20);
  assert.ok(a.losses[19]! < a.losses[0]! - 0.05, `the loss falls: ${a.losses[0]} -> ${a.losses[19]}`);
  a.losses.forEach((x, k) => assert.ok(Math.abs(x - b.losses[k]!) <= 1e-3 * Math.abs(b.losses[k]!), `update ${k + 1}: ort ${x} vs tfjs ${b.losses[k]}`));
  for (const [n, w] of a.weights) {
    const u = b.weights.get(n)!;
    // The key bias (the middle third of c_attn.bias) adds q.b_k to every score of a query's row, which the
    // softmax cancels: its true gradient is 0, so each engine's is float rounding noise (~1e-9), and
    // Adam turns noise below eps into steps of up to lr * |g| / eps: the two engines' key biases
    // drift apart by ~1e-4 whatever their arithmetic. Every other value is compared.
    const skip = n.endsWith('attn.c_attn.bias') ? [w.length / 3, (2 * w.length) / 3] : [0, 0];
    let diff = 0, big = 0;
    for (let k = 0; k < w.length; k++) {
      if (k >= skip[0]! && k < skip[1]!) continue;
      diff = Math.max(diff, Math.abs(w[k]! - u[k]!)); big = Math.max(big, Math.abs(u[k]!));
    }
    assert.ok(diff <= 1e-3 * big, `${n}: largest difference ${diff} (largest weight ${big})`);
  }
});

test('dropout on the ort engine: the same seed repeats its run exactly, another seed and evaluation mode differ', async () => {
  const a = await run('ort', { dropout: true, seed: 3, steps: 6 });
  const again = await run('ort', { dropout: true, seed: 3, steps: 6 });
  const other = await run('ort', { dropout: true, seed: 4, steps: 6 });
  const plain = await run('ort', { dropout: false, seed: 3, steps: 6 });
  assert.deepEqual(again.losses, a.losses, 'same seed, same masks, same losses');
  assert.notDeepEqual(other.losses, a.losses);
  assert.notDeepEqual(plain.losses, a.losses);
  for (const [n, w] of a.weights) assert.deepEqual(again.weights.get(n), w, `${n}: same seed, same weights`);
});

test('an unknown engine name is refused', async () => {
  await assert.rejects(run('onnx' as 'ort'), /expected 'ort', 'tfjs' or an engine function, got "onnx"/);
});

test('validation on the ort engine runs on the ONNX forward and equals the tfjs loss of the same weights (masked targets skipped)', async () => {
  const { model } = tinyModel({ V, P: 16, C: 16, L: 2, H: 2, headsPerLayer: [2, 1], mlpPerLayer: [48, 20] }, 31);
  const vrng = createRng(5);
  // a mask that hides the first half of each validation block, as the mixture's answer-only loss does
  const validation = Array.from({ length: 6 }, () => ({ ids: Int32Array.from({ length: T + 1 }, () => vrng.int(V)), mask: Uint8Array.from({ length: T }, (_, t) => (t >= T / 2 ? 1 : 0)) }));
  const dir = mkdtempSync(join(tmpdir(), 'lab-ort-engine-val-'));
  const vals: number[] = [];
  try {
    const { model: out } = await finetune(model, { train: blocks, validation },
      { steps: 6, batchSize: 4, dropout: false, shuffle: false, runDir: dir, lr: 5e-3, warmupSteps: 0, evalEvery: 3, saveEvery: 0 },
      { handleSigint: false, engine: 'ort', onRecord: (r) => { if (r.valLoss !== undefined) vals.push(r.valLoss); } });
    assert.equal(vals.length, 2, 'validated at updates 3 and 6');
    const ref = await heldOutLoss(out, validation, lmObjective, 4);   // tfjs forward of the final weights
    assert.equal(ref.tokens, 6 * T / 2);
    assert.ok(Math.abs(vals[1]! - ref.loss) <= 1e-5 * ref.loss, `ort validation ${vals[1]} vs tfjs ${ref.loss}`);
    assert.notEqual(vals[0], vals[1]);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
