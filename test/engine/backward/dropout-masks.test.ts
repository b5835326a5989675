/**
 * The host-drawn dropout masks of the training graphs (engine/backward/dropout-masks.ts):
 *  - a seed always gives the same masks (what exact resumption needs), another seed other masks;
 *  - the kept fraction is 1 - rate within 5 binomial standard errors (2^20 draws), and two masks of
 *    one seed agree as often as independent draws would (p^2 + (1-p)^2, within 5 standard errors);
 *  - the arrays are refilled in place; a loss-only graph has no mask inputs; a rate outside (0, 1)
 *    is refused naming the site.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dropoutHook, fillDropoutMasks, type DropoutMask } from '../../../kernel-lib/engine/backward/dropout-masks.ts';
import { buildTrainGraph } from '../../../kernel-lib/engine/backward/build-train-graph.ts';
import { onnxFamily } from '../../../kernel-lib/engine/onnx-families.ts';
import { OnnxGraph } from '../../../kernel-lib/engine/onnx-graph.ts';
import { tinyModel } from '../../helpers/tiny-gpt2.ts';

const N = 1 << 20;
const masks: DropoutMask[] = [
  { name: 'dropout.embd', shape: [4, 256, 1024], rate: 0.1 },
  { name: 'dropout.attn.0', shape: [4, 4, 256, 256], rate: 0.5 },
  { name: 'dropout.attn-out.0', shape: [4, 256, 1024], rate: 0.1 },
];

const kept = (a: Uint8Array) => a.reduce((p, x) => p + x, 0);

test('a seed gives the same masks, another seed others', () => {
  const a = fillDropoutMasks(masks, 42), b = fillDropoutMasks(masks, 42), c = fillDropoutMasks(masks, 43);
  for (const m of masks) {
    assert.ok(Buffer.from(a.get(m.name)!).equals(Buffer.from(b.get(m.name)!)), `${m.name}: same seed`);
    const x = a.get(m.name)!, y = c.get(m.name)!;
    let same = 0;
    for (let e = 0; e < N; e++) same += x[e] === y[e] ? 1 : 0;
    assert.ok(same < N * 0.95, `${m.name}: seeds 42 and 43 agree on ${same} of ${N}`);
  }
});

test('kept fraction 1 - rate and independent masks, within 5 standard errors', () => {
  const a = fillDropoutMasks(masks, 7);
  for (const m of masks) {
    const k = kept(a.get(m.name)!), q = 1 - m.rate;
    const se = Math.sqrt(q * (1 - q) / N);
    assert.ok(Math.abs(k / N - q) <= 5 * se, `${m.name}: kept ${k / N}, expected ${q} +- ${5 * se}`);
  }
  const x = a.get('dropout.embd')!, y = a.get('dropout.attn-out.0')!;   // same rate 0.1, same shape
  let agree = 0;
  for (let e = 0; e < N; e++) agree += x[e] === y[e] ? 1 : 0;
  const p = 0.9 * 0.9 + 0.1 * 0.1, se = Math.sqrt(p * (1 - p) / N);
  assert.ok(Math.abs(agree / N - p) <= 5 * se, `two masks of one seed agree on ${agree / N}, independent draws ${p} +- ${5 * se}`);
});

test('refilled in place; loss-only graphs have no masks; a bad rate is refused naming the site', () => {
  const into = fillDropoutMasks(masks, 1);
  const before = into.get('dropout.embd')!;
  fillDropoutMasks(masks, 2, into);
  assert.equal(into.get('dropout.embd'), before, 'the same array, refilled');
  const { model } = tinyModel({ V: 31, P: 8, C: 8, L: 1, H: 2 }, 1);
  const fam = onnxFamily('gpt2')!;
  assert.equal(buildTrainGraph(model, fam, 1, 4, { dropout: true, lossOnly: true }).masks.length, 0);
  assert.equal(buildTrainGraph(model, fam, 1, 4, { dropout: false }).masks.length, 0);
  assert.equal(buildTrainGraph(model, fam, 1, 4, { dropout: true }).masks.length, 4, 'embd, attn, attn-out, mlp-out');
  const hook = dropoutHook(new OnnxGraph('t'), 1, 4, 8, []);
  assert.throws(() => hook({ kind: 'mlp-out', layer: 3, rate: 1 }, 'x'), /dropout\.mlp-out\.3 must be in \(0, 1\), got 1/);
});
