/**
 * Evaluation throughput : loglikelihoods() on PIQA-like multiple-choice
 * requests (a ~25-token context, two ~15-token continuations each), real GPT-2 tokenizer, no
 * cache. One step = 32 requests (16 documents); reports requests/s beside tokens/s (model input
 * tokens per second). GPT-2 small shapes with random weights; the mini model from models/mini
 * when committed, else mini shapes (L4 H4 C256) with random weights. Batch 1 and batch 16.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { BenchCase, BenchResult } from '../case.ts';
import { median, timeSteps } from '../case.ts';
import { initBackend } from '../../kernel-lib/runtime/backend.ts';
import { gpt2 } from '../../kernel-lib/model/gpt2.ts';
import { parseGpt2Config } from '../../kernel-lib/model/gpt2-config.ts';
import { loadModel } from '../../kernel-lib/model/load-model.ts';
import { loadTokenizer } from '../../kernel-lib/tokenizer/load-tokenizer.ts';
import { loglikelihoods } from '../../kernel-lib/eval/loglikelihoods.ts';
import { encodeRequest } from '../../kernel-lib/eval/encode-request.ts';
import type { LanguageModel } from '../../kernel-lib/model/types.ts';
import { projectRoot } from '../../kernel-lib/runtime/files.ts';

const WORDS = 'the a cat dog water bottle glass table open close carefully quickly with without paper wood metal heat cold'.split(' ');

function requests(n: number): { context: string; continuation: string }[] {
  const w = (i: number): string => WORDS[(i * 7 + 3) % WORDS.length]!;
  return Array.from({ length: n }, (_, i) => {
    const d = i >> 1;
    const goal = Array.from({ length: 18 }, (_, k) => w(d * 31 + k)).join(' ');
    const sol = Array.from({ length: 14 }, (_, k) => w(d * 17 + k * (i % 2 ? 5 : 3))).join(' ');
    return { context: `Question: ${goal}?\nAnswer:`, continuation: ` ${sol}.` };
  });
}

function randomModel(raw: Record<string, unknown>): LanguageModel {
  const config = parseGpt2Config({ model_type: 'gpt2', vocab_size: 50257, n_positions: 1024, bos_token_id: 50256, eos_token_id: 50256, ...raw }, 'bench');
  const params = new Map<string, tf.Variable>();
  for (const [n, t] of gpt2.initParams(config, 1)) { params.set(n, tf.variable(t, false, `bench-eval/${n}`)); t.dispose(); }
  return { family: 'gpt2', config, params };
}

async function run(make: () => Promise<LanguageModel>, batchSize: number, timed: number): Promise<BenchResult> {
  await initBackend({ quiet: true });
  const model = await make();
  const tok = loadTokenizer('gpt2');
  const reqs = requests(32);
  const tokens = reqs.reduce((s, r) => { const e = encodeRequest(tok, r.context, r.continuation); return s + e.context.length + e.continuation.length - 1; }, 0);
  const secs = await timeSteps(() => { loglikelihoods(model, tok, reqs, { batchSize, quiet: true }); }, 1, timed);
  return {
    tokensPerStep: tokens, stepSeconds: secs.wall, cpuSeconds: secs.cpu,
    extra: { requestsPerSec: +(reqs.length / median(secs.wall)).toFixed(2), requestsPerCpuSec: +(reqs.length / median(secs.cpu)).toFixed(2), batchSize },
  };
}

const small = async (): Promise<LanguageModel> => randomModel({ n_embd: 768, n_layer: 12, n_head: 12 });
const miniDir = join(projectRoot, 'models/mini');
const mini = async (): Promise<LanguageModel> =>
  (existsSync(join(miniDir, 'config.json')) ? loadModel(miniDir) : randomModel({ n_embd: 256, n_layer: 4, n_head: 4 }));
const miniWhat = 'mini (models/mini, else random L4 H4 C256)';

export const cases: BenchCase[] = [
  { name: 'eval-gpt2-small-b1', description: 'loglikelihoods, GPT-2 small shapes (random), 32 PIQA-like requests, batch 1', run: () => run(small, 1, 2) },
  { name: 'eval-gpt2-small-b16', description: 'loglikelihoods, GPT-2 small shapes (random), 32 PIQA-like requests, batch 16', run: () => run(small, 16, 2) },
  { name: 'eval-mini-b1', description: `loglikelihoods, ${miniWhat}, 32 PIQA-like requests, batch 1`, run: () => run(mini, 1, 3) },
  { name: 'eval-mini-b16', description: `loglikelihoods, ${miniWhat}, 32 PIQA-like requests, batch 16`, run: () => run(mini, 16, 3) },
];
