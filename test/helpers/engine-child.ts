/**
 * Child process for the engine fallback test: `node --import tsx engine-child.ts` scores a few
 * token requests on a tiny random GPT-2 with the DEFAULT engine (env decides: LAB_ENGINE,
 * LAB_ORT_MODULE) and prints the log-likelihoods as one JSON line on stdout.
 */
import { initBackend } from '../../kernel-lib/index.ts';
import { loglikelihoodTokens } from '../../kernel-lib/eval/loglikelihoods.ts';
import { tinyModel } from './tiny-gpt2.ts';

await initBackend({ quiet: true });
const { model } = tinyModel({ V: 40, P: 16, C: 16, L: 2, H: 4, headsPerLayer: [4, 2], mlpPerLayer: [64, 24] }, 5);
const reqs = [
  { context: [1, 2, 3, 4], continuation: [5, 6] },
  { context: [7, 8], continuation: [9, 10, 11] },
  { context: [1, 2, 3, 4], continuation: [12] },
];
const a = loglikelihoodTokens(model, reqs, { batchSize: 2, quiet: true });
const b = loglikelihoodTokens(model, reqs, { batchSize: 1, quiet: true });   // second call: no second engine line
process.stdout.write(JSON.stringify({ a: a.map((r) => r.loglikelihood), b: b.map((r) => r.loglikelihood) }) + '\n');
