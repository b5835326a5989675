/**
 * ONNX Runtime engine beside PyTorch, same shapes, same thread count, measured in the same case
 * (ours first, then bench/torch-eval.py in a child process), ratio = ours / PyTorch tokens/s.
 *  - fwd:  ids [B, T] random -> log-probabilities of the next token at every position (the
 *          head at all B*T positions, as torch-gpt2-bench's "fwd" computes logits + CE);
 *  - eval: 32 multiple-choice-like token requests (contexts of 20-60 tokens, continuations of
 *          4-20), loglikelihoodTokens with batch 16: sorted by length, right-padded, head and
 *          log-softmax only at the continuation positions; torch scores them the same way.
 * Shapes: GPT-2 small (L12 H12 C768, fwd at 4 x 128), `L4-C256 (torch-bench 'mini')` (fwd at
 * 8 x 128) and the shipped mini model's shape `L4-C128 (models/mini)` (fwd at 8 x 128); all with
 * V 50257 and random weights.
 */
import { setEnv } from '../../kernel-lib/runtime/settings.ts';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { BenchCase, BenchResult } from '../case.ts';
import { median, timeSteps } from '../case.ts';
import { initBackend } from '../../kernel-lib/runtime/backend.ts';
import { gpt2 } from '../../kernel-lib/model/gpt2.ts';
import { parseGpt2Config } from '../../kernel-lib/model/gpt2-config.ts';
import type { LanguageModel } from '../../kernel-lib/model/types.ts';
import { loglikelihoodTokens } from '../../kernel-lib/eval/loglikelihoods.ts';
import { ortScorePositions } from '../../kernel-lib/engine/ort-score-positions.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';

interface Shape { readonly name: string; readonly label: string; readonly L: number; readonly H: number; readonly C: number; readonly B: number; readonly T: number }
const V = 50257;
const SHAPES: readonly Shape[] = [
  { name: 'small', label: 'GPT-2 small L12-C768', L: 12, H: 12, C: 768, B: 4, T: 128 },
  { name: 'c256', label: "L4-C256 (torch-bench 'mini')", L: 4, H: 4, C: 256, B: 8, T: 128 },
  { name: 'c128', label: 'L4-C128 (models/mini)', L: 4, H: 4, C: 128, B: 8, T: 128 },
];
const here = dirname(fileURLToPath(import.meta.url));

function randomModel(s: Shape): LanguageModel {
  const config = parseGpt2Config({ model_type: 'gpt2', vocab_size: V, n_positions: 1024, n_embd: s.C, n_layer: s.L, n_head: s.H, bos_token_id: 50256, eos_token_id: 50256 }, 'bench');
  const params = new Map<string, tf.Variable>();
  for (const [n, t] of gpt2.initParams(config, 1)) { params.set(n, tf.variable(t, false, `bench-engine/${n}`)); t.dispose(); }
  return { family: 'gpt2', config, params };
}

function evalRequests(): { context: number[]; continuation: number[] }[] {
  const rng = createRng(7);
  return Array.from({ length: 32 }, () => ({
    context: Array.from({ length: 20 + rng.int(41) }, () => rng.int(V)),
    continuation: Array.from({ length: 4 + rng.int(17) }, () => rng.int(V)),
  }));
}

function torch(s: Shape, mode: 'fwd' | 'eval', threads: number, requestsFile: string | null): { tok_s: number; median_s: number } {
  const args = [join(here, '..', 'torch-eval.py'), '--mode', mode, '--layers', `${s.L}`, '--heads', `${s.H}`, '--embd', `${s.C}`, '--vocab', `${V}`,
    '--batch', `${mode === 'fwd' ? s.B : 16}`, '--seq', `${s.T}`, '--threads', `${threads}`, '--iters', '3', '--warmup', '1',
    ...(requestsFile ? ['--requests', requestsFile] : [])];
  const r = spawnSync('/usr/bin/python3', args, { encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) throw new Error(`torch-eval.py failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}`);
  return JSON.parse(line) as { tok_s: number; median_s: number };
}

async function run(s: Shape, mode: 'fwd' | 'eval', threads: number): Promise<BenchResult> {
  setEnv("LAB_ORT_THREADS", `${threads}`);   // read when the session is created (runtime/settings.ts)
  await initBackend({ quiet: true });
  const model = randomModel(s);
  let tokens: number, step: () => void, file: string | null = null;
  if (mode === 'fwd') {
    const rng = createRng(2);
    const ids = Int32Array.from({ length: s.B * s.T }, () => rng.int(V));
    const pairs = Array.from({ length: s.B * s.T }, (_, pos) => ({ pos, target: rng.int(V) }));
    tokens = s.B * s.T;
    step = () => { ortScorePositions(model, ids, s.B, s.T, pairs); };
  } else {
    const reqs = evalRequests();
    tokens = reqs.reduce((n, r) => n + r.context.length + r.continuation.length - 1, 0);
    file = join(mkdtempSync(join(tmpdir(), 'lab-bench-')), 'requests.json');
    writeFileSync(file, JSON.stringify(reqs.map((r) => [r.context, r.continuation])));
    step = () => { loglikelihoodTokens(model, reqs, { batchSize: 16, quiet: true, engine: 'ort' }); };
  }
  const secs = await timeSteps(step, 1, 3);
  const ours = tokens / median(secs.wall);
  const t = torch(s, mode, threads, file);
  return {
    tokensPerStep: tokens, stepSeconds: secs.wall, cpuSeconds: secs.cpu,
    extra: { shape: s.label, mode, threads, torchTokensPerSec: t.tok_s, oursOverTorch: +(ours / t.tok_s).toFixed(3) },
  };
}

export const cases: BenchCase[] = SHAPES.flatMap((s) => (['fwd', 'eval'] as const).flatMap((mode) => [1, 2].map((threads) => ({
  name: `ort-${mode}-${s.name}-${threads}t`,
  description: `ONNX Runtime vs PyTorch, ${s.label}, ${mode}, ${threads} thread(s)`,
  run: () => run(s, mode, threads),
}))));
