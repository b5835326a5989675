/**
 * Evaluation at the study's shapes, shared-context scoring beside PyTorch, in one run; ours on 2
 * threads, PyTorch on 2 and on 1 (the faster of the two is the one compared):
 * the mini GPT-2 (models/mini-bpe: L4 H4 C256, V 4096, 256 positions) on every 16th document of
 * the study's mini evaluation (PIQA, OpenBookQA, MMLU-continuation, HellaSwag, GLUE, in the
 * study's proportions), requests encoded as lm-eval does and left-truncated to 256 positions
 * beforehand so that both frameworks get the same token requests. Four ways of scoring them,
 * batch 16 (the study's):
 *  - ours, shared context (the default: eval/shared-context-plan.ts, passes of up to 2048 tokens);
 *  - ours, per request (sharedContext: false: one row per distinct input, as lm-eval);
 *  - PyTorch per request (bench/torch-eval.py --mode eval: lm-eval's rows, the head at the
 *    scored positions only), random weights of the same shape;
 *  - PyTorch shared context (--mode shared: the same rows and mask as ours).
 * tokens/s counts each request's model input (len(ctx + cont) - 1) whichever way it was run, so
 * the figures compare the same work; documents/s beside them. The headline ratio is ours (shared)
 * over PyTorch per request; ours over PyTorch shared is the like-for-like one.
 */
import { setEnv } from '../../kernel-lib/runtime/settings.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase, BenchResult } from '../case.ts';
import { median, timeSteps } from '../case.ts';
import { initBackend } from '../../kernel-lib/runtime/backend.ts';
import { projectRoot } from '../../kernel-lib/runtime/files.ts';
import { loadModel } from '../../kernel-lib/model/load-model.ts';
import { loadTokenizer } from '../../kernel-lib/tokenizer/load-tokenizer.ts';
import { expandTasks } from '../../kernel-lib/eval/tasks/index.ts';
import { buildRequests } from '../../kernel-lib/eval/build-requests.ts';
import { encodeRequest, truncateForModel, type TokenRequest } from '../../kernel-lib/eval/encode-request.ts';
import { loglikelihoodTokens } from '../../kernel-lib/eval/loglikelihoods.ts';
import type { MultipleChoiceTask } from '../../kernel-lib/eval/types.ts';
import { getProfile } from '../../kernel-lib/experiments/profiles.ts';
import { studyDataDir } from '../../kernel-lib/experiments/study-inputs.ts';

const here = dirname(fileURLToPath(import.meta.url));
const THREADS = 2, BATCH = 16, EVERY = 16;

/** Every EVERY-th document of the mini study's evaluation, its requests truncated as the model input. */
async function studyRequests(L: number): Promise<{ requests: TokenRequest[]; docs: number }> {
  const profile = getProfile('mini');
  const dataDir = studyDataDir(profile);
  const tokenizer = loadTokenizer(join(projectRoot, 'models', 'mini-bpe'));
  const requests: TokenRequest[] = [];
  let docs = 0, seen = 0;
  for (const task of expandTasks(profile.eval.tasks).tasks) {
    if (task.outputType !== 'multiple_choice') continue;
    const mc = task as MultipleChoiceTask<unknown>;
    const all = await mc.data.load(dataDir);
    const picked = all.filter(() => seen++ % EVERY === 0);
    docs += picked.length;
    for (const r of buildRequests(mc, picked)) {
      // inp = ctx' + cont[:-1] exactly: ctx' = the part of the truncated input before the continuation
      const t = truncateForModel(encodeRequest(tokenizer, r.context, r.continuation), L);
      requests.push({ context: t.input.slice(0, t.input.length - t.continuation.length + 1), continuation: [...t.continuation] });
    }
  }
  return { requests, docs };
}

function torch(mode: 'eval' | 'shared', file: string, threads: number): { tok_s: number; median_s: number; total_logprob: number } {
  const args = [join(here, '..', 'torch-eval.py'), '--mode', mode, '--layers', '4', '--heads', '4', '--embd', '256', '--vocab', '4096',
    '--batch', `${BATCH}`, '--threads', `${threads}`, '--iters', '3', '--warmup', '1', '--requests', file];
  const r = spawnSync('/usr/bin/python3', args, { encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) throw new Error(`torch-eval.py --mode ${mode} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}`);
  return JSON.parse(line) as { tok_s: number; median_s: number; total_logprob: number };
}

async function run(): Promise<BenchResult> {
  setEnv('LAB_ORT_THREADS', `${THREADS}`);   // read when the session is created (runtime/settings.ts)
  await initBackend({ quiet: true });
  const model = await loadModel(join(projectRoot, 'models', 'mini-bpe'));
  const { requests, docs } = await studyRequests(model.config.maxPositions);
  const tokens = requests.reduce((n, r) => n + r.context.length + r.continuation.length - 1, 0);
  const file = join(mkdtempSync(join(tmpdir(), 'lab-bench-')), 'requests.json');
  writeFileSync(file, JSON.stringify(requests.map((r) => [r.context, r.continuation])));
  const score = (sharedContext: boolean) => () => { loglikelihoodTokens(model, requests, { batchSize: BATCH, quiet: true, engine: 'ort', sharedContext }); };
  // interleaved: per-request, shared, per-request, shared ... (1 warm-up each, 3 timed each)
  score(false)(); score(true)();
  const perRequest: number[] = [], shared = { wall: [] as number[], cpu: [] as number[] };
  for (let k = 0; k < 3; k++) {
    perRequest.push(...(await timeSteps(score(false), 0, 1)).wall);
    const s = await timeSteps(score(true), 0, 1);
    shared.wall.push(...s.wall); shared.cpu.push(...s.cpu);
  }
  // PyTorch at 2 threads and at 1: on a loaded 2-core machine its OpenMP pool can be several
  // times slower with 2 threads than with 1, so the ratios are taken against its faster setting.
  const best = (mode: 'eval' | 'shared') => {
    const two = torch(mode, file, THREADS), one = torch(mode, file, 1);
    return { ...(two.tok_s >= one.tok_s ? two : one), twoThreads: two.tok_s, oneThread: one.tok_s };
  };
  const tPer = best('eval'), tShared = best('shared');
  const ours = tokens / median(shared.wall), oursPer = tokens / median(perRequest);
  const docsPerSec = (sec: number) => +(docs / sec).toFixed(1);
  return {
    tokensPerStep: tokens, stepSeconds: shared.wall, cpuSeconds: shared.cpu,
    extra: {
      shape: 'mini-bpe L4-C256 V4096', threads: THREADS, batch: BATCH, docs, requests: requests.length,
      docsPerSec: docsPerSec(median(shared.wall)), oursPerRequestTokS: +oursPer.toFixed(1), oursPerRequestDocsPerSec: docsPerSec(median(perRequest)),
      torchPerRequestTokS: tPer.tok_s, torchPerRequestDocsPerSec: docsPerSec(tPer.median_s),
      torchPerRequestTokS2t: tPer.twoThreads, torchPerRequestTokS1t: tPer.oneThread,
      torchSharedTokS: tShared.tok_s, torchSharedDocsPerSec: docsPerSec(tShared.median_s),
      torchSharedTokS2t: tShared.twoThreads, torchSharedTokS1t: tShared.oneThread,
      oursOverTorchPerRequest: +(ours / tPer.tok_s).toFixed(3), oursOverTorchShared: +(ours / tShared.tok_s).toFixed(3),
      sharedOverPerRequestOurs: +(ours / oursPer).toFixed(3), sharedOverPerRequestTorch: +(tShared.tok_s / tPer.tok_s).toFixed(3),
    },
  };
}

export const cases: BenchCase[] = [{
  name: 'eval-shared-context-2t',
  description: 'evaluation at the study\'s shape (mini-bpe, batch 16, 2 threads): ours shared-context / per-request vs PyTorch per-request / shared-context',
  run,
}];
