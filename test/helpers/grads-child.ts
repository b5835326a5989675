/**
 * Child process for the wasm-threads test: `node --import tsx grads-child.ts THREADS OUT_FILE`
 * initialises wasm with THREADS threads, computes the summed LM loss and every gradient of a
 * random GPT-2 (L2 H4 C128 V2048, batch 4 x 64: matmuls large enough for XNNPACK to split across
 * threads), and writes { threads, loss, names, shapes } as JSON plus the gradients as raw float32.
 */
import * as tf from '@tensorflow/tfjs-core';
import { writeFileSync } from 'node:fs';
import { initBackend } from '../../kernel-lib/index.ts';
import { gpt2 } from '../../kernel-lib/model/gpt2.ts';
import { parseGpt2Config } from '../../kernel-lib/model/gpt2-config.ts';
import { lmObjective } from '../../kernel-lib/train/lm-objective.ts';
import { toLossBatch, disposeBatch } from '../../kernel-lib/train/batch-tensors.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';
import { normalizeBlock } from '../../kernel-lib/train/block-stream.ts';

const [threadsArg, outFile] = process.argv.slice(2);
const info = await initBackend({ backend: 'wasm', wasmThreads: Number(threadsArg), quiet: true });
const V = 2048, T = 64, B = 4;
const config = parseGpt2Config({ model_type: 'gpt2', n_layer: 2, n_head: 4, n_embd: 128, n_positions: T, vocab_size: V }, 'grads-child');
const params = new Map<string, tf.Variable>();
for (const [n, t] of gpt2.initParams(config, 7)) { params.set(n, tf.variable(t)); t.dispose(); }
const rng = createRng(11);
const blocks = Array.from({ length: B }, (_, i) => normalizeBlock({ ids: Int32Array.from({ length: T + 1 }, () => rng.int(V)) }, `block ${i}`));
const batch = toLossBatch(blocks);
const { loss, grads } = lmObjective.lossAndGrads({ family: 'gpt2', config, params }, batch, { training: false, seed: 0 });
disposeBatch(batch);
const names = [...grads.keys()].sort();
const parts = names.map((n) => Buffer.from((grads.get(n)!.dataSync() as Float32Array).slice().buffer));
writeFileSync(outFile!, JSON.stringify({ threads: info.threads, loss, names, shapes: names.map((n) => grads.get(n)!.shape) }));
writeFileSync(outFile! + '.bin', Buffer.concat(parts));
