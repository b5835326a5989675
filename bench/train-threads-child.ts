/**
 * One process of the `train-threads-*` bench cases: `node --import tsx bench/train-threads-child.ts
 * MODE THREADS L H C V B T WARM TIMED` trains a random GPT-2 of that shape with `finetune` on wasm
 * on THREADS cores and prints one JSON line: per-update wall seconds, loss, peak RSS, thread count.
 * MODE `pool`: the threaded wasm build's XNNPACK pool; `replicas`: data-parallel replicas
 * (train/replicas.ts), each on the single-threaded module.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../kernel-lib/runtime/backend.ts';
import { gpt2 } from '../kernel-lib/model/gpt2.ts';
import { parseGpt2Config } from '../kernel-lib/model/gpt2-config.ts';
import { finetune } from '../kernel-lib/train/finetune.ts';
import { createRng } from '../kernel-lib/runtime/random.ts';

const mode = process.argv[2];
if (mode !== 'pool' && mode !== 'replicas') throw new Error(`train-threads-child: mode ${mode} is not pool or replicas`);
const [threads, L, H, C, V, B, T, warm, timed] = process.argv.slice(3).map(Number) as [number, number, number, number, number, number, number, number, number];
const info = await initBackend({ backend: 'wasm', wasmThreads: mode === 'pool' ? threads : 1, quiet: true });
const config = parseGpt2Config({ model_type: 'gpt2', n_layer: L, n_head: H, n_embd: C, vocab_size: V, n_positions: Math.max(T, 128) }, 'bench');
const params = new Map<string, tf.Variable>();
for (const [n, t] of gpt2.initParams(config, 1)) { params.set(n, tf.variable(t)); t.dispose(); }
const rng = createRng(3);
const blocks = Array.from({ length: B * (warm + timed) }, () => ({ ids: Int32Array.from({ length: T + 1 }, () => rng.int(V)) }));
const dir = mkdtempSync(join(tmpdir(), 'lab-bench-threads-'));
const wall: number[] = [];
let t0 = performance.now(), loss = NaN;
try {
  await finetune({ family: 'gpt2', config, params }, blocks,
    { steps: warm + timed, batchSize: B, dropout: false, shuffle: false, runDir: dir, lr: 3e-4, saveEvery: 0 },
    { handleSigint: false, replicas: mode === 'replicas' ? threads : 1, onRecord: (r) => { if (r.step > warm) wall.push((performance.now() - t0) / 1000); loss = r.loss ?? NaN; t0 = performance.now(); } });
} finally { rmSync(dir, { recursive: true, force: true }); }
console.log(JSON.stringify({ threads: mode === 'pool' ? info.threads : threads, tokensPerStep: B * T, stepSeconds: wall, loss, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
