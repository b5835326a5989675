/**
 * Shared-context scoring against the per-request path on real documents (LAB_REAL_DATA: 50 each
 * of PIQA, HellaSwag, MMLU and the GLUE tasks RTE and MRPC) and on every task of the generated
 * mini data (the study's tasks plus MMLU, the first documents of each), with the shipped mini
 * GPT-2 (models/mini-bpe), and on a few mini tasks with the mini OLMo (rotary positions, grouped
 * kv heads: models/mini-olmo-bpe): every request's log-likelihood within 1e-4 relative, every document's
 * metrics (acc, acc_norm, f1 / mcc items) identical.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { initBackend, loadModel, loadTokenizer, type MultipleChoiceTask, type LanguageModel, type Tokenizer, getProfile, studyDataDir } from '../../kernel-lib/index.ts';
import { ortAvailable } from '../../kernel-lib/engine/select-engine.ts';
import { expandTasks } from '../../kernel-lib/eval/tasks/index.ts';
import { buildRequests } from '../../kernel-lib/eval/build-requests.ts';
import { encodeRequest } from '../../kernel-lib/eval/encode-request.ts';
import { loglikelihoodTokens } from '../../kernel-lib/eval/loglikelihoods.ts';
import { scoreMultipleChoice } from '../../kernel-lib/eval/score-docs.ts';
import { projectRoot } from '../../kernel-lib/runtime/files.ts';

const ort = ortAvailable();
const REAL = process.env.LAB_REAL_DATA;
let model: LanguageModel, tokenizer: Tokenizer;

async function open(name: string): Promise<void> {
  const dir = join(projectRoot, 'models', name);
  model = await loadModel(dir);
  tokenizer = loadTokenizer(dir);
}

before(async () => {
  await initBackend({ quiet: true });
  if (ort.ok) await open('mini-bpe');
});

/** Both paths on the first `limit` documents of each leaf task of `names`; returns requests compared. */
async function compare(names: readonly string[], dataDir: string, limit: number): Promise<number> {
  let n = 0;
  for (const task of expandTasks(names).tasks) {
    if (task.outputType !== 'multiple_choice') continue;
    const mc = task as MultipleChoiceTask<unknown>;
    const docs = (await mc.data.load(dataDir)).slice(0, limit);
    const reqs = buildRequests(mc, docs);
    const toks = reqs.map((r) => encodeRequest(tokenizer, r.context, r.continuation));
    const old = loglikelihoodTokens(model, toks, { batchSize: 16, quiet: true, engine: 'ort', sharedContext: false });
    const shared = loglikelihoodTokens(model, toks, { batchSize: 1, quiet: true, engine: 'ort' });
    old.forEach((o, i) => {
      const s = shared[i]!;
      const rel = Math.abs(s.loglikelihood - o.loglikelihood) / Math.abs(o.loglikelihood);
      assert.ok(rel <= 1e-4, `${task.name} request ${i} (doc ${reqs[i]!.docId}): shared ${s.loglikelihood} vs per-request ${o.loglikelihood}`);
      assert.equal(s.isGreedy, o.isGreedy, `${task.name} request ${i} greedy`);
    });
    const byDoc: number[][] = docs.map(() => []);
    reqs.forEach((r, i) => { byDoc[r.docId]![r.index] = i; });
    docs.forEach((doc, d) => {
      const at = (res: typeof old) => scoreMultipleChoice(mc.metrics, mc.docToChoice(doc), mc.docToTarget(doc), byDoc[d]!.map((i) => res[i]!.loglikelihood));
      assert.deepEqual(at(shared), at(old), `${task.name} doc ${d} metrics`);
    });
    n += reqs.length;
  }
  return n;
}

test('shared context = per-request scoring on 50 real documents of PIQA, HellaSwag, MMLU, RTE and MRPC', {
  skip: !ort.ok ? `onnxruntime-node does not load: ${ort.reason}` : REAL ? false : 'LAB_REAL_DATA unset: needs the real benchmark files',
}, async () => {
  const n = await compare(['piqa', 'hellaswag', 'mmlu_high_school_psychology', 'rte', 'mrpc'], REAL!, 50);
  assert.equal(n, 50 * 2 + 50 * 4 + 50 * 4 + 50 * 2 + 50 * 2);
});

test('shared context = per-request scoring on every mini task (first 4 documents each)', { skip: ort.ok ? false : `onnxruntime-node does not load: ${ort.reason}` }, async () => {
  const n = await compare(['piqa', 'openbookqa', 'mmlu', 'mmlu_continuation', 'hellaswag', 'glue'], studyDataDir(getProfile('mini')), 4);
  assert.ok(n > 1000, `${n} requests`);
});

test('shared context = per-request scoring with the mini OLMo (rotary positions from the position ids)', { skip: ort.ok ? false : `onnxruntime-node does not load: ${ort.reason}` }, async () => {
  const gpt2 = { model, tokenizer };
  await open('mini-olmo-bpe');
  try {
    const n = await compare(['piqa', 'hellaswag', 'mmlu_continuation_anatomy', 'rte', 'mnli'], studyDataDir(getProfile('mini')), 8);
    assert.ok(n > 80, `${n} requests`);
  } finally {
    ({ model, tokenizer } = gpt2);
  }
});
