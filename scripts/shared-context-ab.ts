/**
 * Shared-context scoring against the per-request path on one model and one data folder,
 * interleaved (old, new, old, new per task, so load on a shared machine hits both alike):
 * per task, seconds of each path, the largest relative difference of a request's
 * log-likelihood, and whether every document's predicted choice (acc, acc_norm) is the same.
 *   node --import tsx scripts/shared-context-ab.ts MODEL DATA_DIR TASKS [--limit N] [--batch-size N] [--rounds R]
 * e.g. scripts/shared-context-ab.ts models/mini-bpe "$(lab data dir mini)" piqa,openbookqa,mmlu,hellaswag,glue
 */
import { initBackend } from '../kernel-lib/runtime/backend.ts';
import { loadModel } from '../kernel-lib/model/load-model.ts';
import { loadTokenizer } from '../kernel-lib/tokenizer/load-tokenizer.ts';
import { expandTasks } from '../kernel-lib/eval/tasks/index.ts';
import { buildRequests } from '../kernel-lib/eval/build-requests.ts';
import { encodeRequest } from '../kernel-lib/eval/encode-request.ts';
import { loglikelihoodTokens } from '../kernel-lib/eval/loglikelihoods.ts';
import { scoreMultipleChoice } from '../kernel-lib/eval/score-docs.ts';
import type { MultipleChoiceTask } from '../kernel-lib/eval/types.ts';

const [dir, dataDir, taskArg, ...rest] = process.argv.slice(2);
if (!dir || !dataDir || !taskArg) { console.error('usage: shared-context-ab.ts MODEL DATA_DIR TASKS [--limit N] [--batch-size N] [--rounds R]'); process.exit(2); }
const opt = (name: string, d: number) => { const k = rest.indexOf(`--${name}`); return k >= 0 ? Number(rest[k + 1]) : d; };
const limit = opt('limit', Infinity), batchSize = opt('batch-size', 1), rounds = opt('rounds', 1);
await initBackend({ quiet: true });
const model = await loadModel(dir);
const tokenizer = loadTokenizer(dir);
const total = { old: 0, shared: 0, docs: 0, requests: 0, maxRel: 0, sameAcc: true };
for (const task of expandTasks(taskArg.split(',')).tasks) {
  if (task.outputType !== 'multiple_choice') continue;
  const mc = task as MultipleChoiceTask<unknown>;
  const docs = (await mc.data.load(dataDir)).slice(0, limit);
  const reqs = buildRequests(mc, docs);
  const toks = reqs.map((r) => encodeRequest(tokenizer, r.context, r.continuation));
  const secs = { old: 0, shared: 0 };
  let a: number[] = [], b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const path of ['old', 'shared'] as const) {
      const t0 = performance.now();
      const res = loglikelihoodTokens(model, toks, { batchSize, quiet: true, engine: 'ort', sharedContext: path === 'shared' });
      secs[path] += (performance.now() - t0) / 1000;
      if (path === 'old') a = res.map((x) => x.loglikelihood); else b = res.map((x) => x.loglikelihood);
    }
  }
  let maxRel = 0;
  a.forEach((x, i) => { maxRel = Math.max(maxRel, Math.abs(x - b[i]!) / Math.max(Math.abs(x), 1e-30)); });
  const byDoc: number[][] = docs.map(() => []);
  reqs.forEach((r, i) => { byDoc[r.docId]![r.index] = i; });
  let sameAcc = true;
  docs.forEach((doc, d) => {
    const choices = mc.docToChoice(doc), gold = mc.docToTarget(doc);
    const sa = scoreMultipleChoice(mc.metrics, choices, gold, byDoc[d]!.map((i) => a[i]!));
    const sb = scoreMultipleChoice(mc.metrics, choices, gold, byDoc[d]!.map((i) => b[i]!));
    for (const m of mc.metrics) if (JSON.stringify(sa[m]) !== JSON.stringify(sb[m])) sameAcc = false;
  });
  total.old += secs.old; total.shared += secs.shared; total.docs += docs.length; total.requests += reqs.length;
  total.maxRel = Math.max(total.maxRel, maxRel); total.sameAcc &&= sameAcc;
  console.log(JSON.stringify({ task: task.name, docs: docs.length, requests: reqs.length, oldS: +secs.old.toFixed(3), sharedS: +secs.shared.toFixed(3), maxRel, sameMetrics: sameAcc }));
}
console.log(JSON.stringify({ total: true, ...total, speedup: +(total.old / total.shared).toFixed(3) }));
