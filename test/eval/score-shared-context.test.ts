import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../kernel-lib/index.ts';
import { ortAvailable } from '../../kernel-lib/engine/select-engine.ts';
import { loglikelihoodTokens } from '../../kernel-lib/eval/loglikelihoods.ts';
import { ortScoreShared } from '../../kernel-lib/engine/ort-score-shared.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';
import { tinyModel } from '../helpers/tiny-gpt2.ts';
import { referenceLogits, refLogProb } from '../helpers/gpt2-reference.ts';

before(async () => { await initBackend(); });

const ort = ortAvailable();
const skip = ort.ok ? false : `onnxruntime-node does not load: ${ort.reason}`;
const SPEC = { V: 23, P: 16, C: 8, L: 2, H: 2 };
const CFG = { L: 2, H: 2, eps: 1e-5 };

/** Documents of 1-4 continuations of 1-5 tokens after a 1-12 token context (some longer than P: truncated). */
function requests(seed: number): { context: number[]; continuation: number[] }[] {
  const rng = createRng(seed);
  const out: { context: number[]; continuation: number[] }[] = [];
  for (let d = 0; d < 12; d++) {
    const context = Array.from({ length: 1 + rng.int(d % 3 === 0 ? 16 : 12) }, () => rng.int(SPEC.V));
    const n = 1 + rng.int(4);
    for (let k = 0; k < n; k++) out.push({ context, continuation: Array.from({ length: 1 + rng.int(5) }, () => rng.int(SPEC.V)) });
    if (d % 4 === 1) out.push({ ...out.at(-1)!, continuation: [...out.at(-1)!.continuation.slice(0, -1), (out.at(-1)!.continuation.at(-1)! + 1) % SPEC.V] });  // same tail, other last token
  }
  return out;
}

test('shared-context loglikelihoods equal an independent float64 GPT-2 and the per-request path', { skip }, () => {
  const { model, ref } = tinyModel(SPEC, 21);
  const reqs = requests(5);
  const perRequest = loglikelihoodTokens(model, reqs, { batchSize: 4, quiet: true, engine: 'ort', sharedContext: false });
  for (const passTokens of [1, 40, 4096]) {
    const shared = loglikelihoodTokens(model, reqs, { batchSize: 1, quiet: true, engine: 'ort', passTokens });
    reqs.forEach((r, i) => {
      // reference: lm-eval's truncated input through the plain-JS float64 GPT-2
      const inp = [...r.context, ...r.continuation].slice(-(SPEC.P + 1)).slice(0, -1);
      const z = referenceLogits(ref, inp, 1, inp.length, CFG);
      let ll = 0, greedy = true;
      r.continuation.forEach((t, j) => {
        const row = z[inp.length - r.continuation.length + j]!;
        ll += refLogProb(row, t);
        let am = 0; row.forEach((v, k) => { if (v > row[am]!) am = k; });
        greedy &&= am === t;
      });
      const got = shared[i]!;
      assert.ok(Math.abs(got.loglikelihood - ll) < 1e-4, `passTokens ${passTokens} request ${i}: ${got.loglikelihood} vs reference ${ll}`);
      assert.equal(got.isGreedy, greedy, `passTokens ${passTokens} request ${i} greedy`);
      const rel = Math.abs(got.loglikelihood - perRequest[i]!.loglikelihood) / Math.abs(perRequest[i]!.loglikelihood);
      assert.ok(rel < 1e-5, `passTokens ${passTokens} request ${i}: shared ${got.loglikelihood} vs per-request ${perRequest[i]!.loglikelihood}`);
      assert.equal(got.isGreedy, perRequest[i]!.isGreedy);
    });
  }
  for (const v of model.params.values()) v.dispose();
});

test('ortScoreShared: bad input names the array and the entry', { skip }, () => {
  const { model } = tinyModel(SPEC, 22);
  const batch = { ids: Int32Array.from([1, 2, 3, 0]), positions: Int32Array.from([0, 1, 2, 0]), segment: Int32Array.from([0, 0, 1, -1]), B: 1, T: 4 };
  assert.throws(() => ortScoreShared(model, batch, [{ pos: 3, target: 1 }]), /pos 3 is padding \(segment -1\)/);
  assert.throws(() => ortScoreShared(model, { ...batch, positions: Int32Array.from([0, 1, 16, 0]) }, []), /positions\[0\]\[2\] = 16 is outside the model's \[0, 16\)/);
  assert.throws(() => ortScoreShared(model, { ...batch, ids: Int32Array.from([1, 2, 3]) }, []), /ids has 3 entries, expected B\*T = 4/);
  assert.throws(() => ortScoreShared(model, { ...batch, ids: Int32Array.from([1, 2, 23, 0]) }, []), /ids\[0\]\[2\] = 23 is outside the vocabulary/);
  for (const v of model.params.values()) v.dispose();
});
