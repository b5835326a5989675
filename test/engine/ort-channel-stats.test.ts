/**
 * Calibration statistics from ONNX Runtime forward passes against the tfjs forward of the same
 * weights: the activations tfjs captures at each output projection's input, reduced in float64
 * by the two-pass textbook formulas here, for a GPT-2 and a GQA Llama (6 query / 2 key/value
 * heads). Batches of 2 and of 3 sequences give the same moments (the merge is exact).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, getFamily, type LanguageModel } from '../../kernel-lib/index.ts';
import { disposeModel } from '../../kernel-lib/model/dispose-model.ts';
import { loadOrt } from '../../kernel-lib/engine/ort-runtime.ts';
import { ortChannelStats } from '../../kernel-lib/engine/ort-channel-stats.ts';
import { channelVariance } from '../../kernel-lib/engine/channel-moments.ts';
import { tinyGpt2 } from '../prune/tiny-gpt2.ts';
import { randomLlamaLike } from '../helpers/random-llama-like.ts';

const skip = loadOrt().ort ? false : `onnxruntime-node does not load here: ${loadOrt().reason}`;
before(async () => { await initBackend({ quiet: true }); });

const T = 7;
const SEQS = [0, 1, 2, 3, 4].map((s) => Int32Array.from({ length: T }, (_, t) => (t * 13 + s * 7 + 2) % 50));

/** tfjs activations at every capture site, [N, cols] as float64 rows. */
function captured(model: LanguageModel): Map<string, number[][]> {
  const seen = new Map<string, number[][]>();
  tf.tidy(() => {
    const ids = tf.tensor2d(Int32Array.from(SEQS.flatMap((s) => [...s])), [SEQS.length, T], 'int32');
    getFamily(model.family).hidden(model, ids, { capture: (site, a) => { seen.set(`${site.kind}:${site.layer}`, a.arraySync() as number[][]); } });
  });
  return seen;
}

function check(model: LanguageModel, name: string): void {
  const want = captured(model);
  for (const batch of [2, 3]) {
    const got = ortChannelStats(model, SEQS, { batch });
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${name}: sites`);
    for (const [key, rows] of want) {
      const m = got.get(key)!, N = rows.length, cols = rows[0]!.length;
      assert.equal(m.count, N);
      assert.equal(m.mean.length, cols, `${name} ${key}: channels`);
      const variance = channelVariance(m);
      for (let j = 0; j < cols; j++) {
        const col = rows.map((r) => r[j]!);
        const mean = col.reduce((a, x) => a + x, 0) / N;
        const v = col.reduce((a, x) => a + (x - mean) ** 2, 0) / N;
        const sq = col.reduce((a, x) => a + x * x, 0), abs = col.reduce((a, x) => a + Math.abs(x), 0);
        const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-4 * Math.abs(b) + 1e-5, `${name} ${key}[${j}] ${what}: ort ${a} vs tfjs ${b} (batch ${batch})`);
        close(m.mean[j]!, mean, 'mean'); close(variance[j]!, v, 'variance'); close(m.sqNorm[j]!, sq, 'squared norm'); close(m.absSum[j]!, abs, '|x| sum');
      }
    }
  }
}

test('GPT-2: ORT moments = two-pass float64 moments of the tfjs activations', { skip }, () => {
  const m = tinyGpt2(3);
  check(m, 'gpt2');
  disposeModel(m);
});

test('GQA Llama: o_proj input has H*D channels, down_proj input F; moments match tfjs', { skip }, () => {
  const m = randomLlamaLike({ model_type: 'llama', vocab_size: 50, hidden_size: 24, num_hidden_layers: 2, intermediate_size: 40,
    max_position_embeddings: 64, num_attention_heads: 6, num_key_value_heads: 2, head_dim: 8, tie_word_embeddings: false }, 5);
  check(m, 'llama');
  const s = ortChannelStats(m, SEQS, { batch: 5 });
  assert.equal(s.get('heads:0')!.mean.length, 6 * 8);
  assert.equal(s.get('mlp:1')!.mean.length, 40);
  disposeModel(m);
});

test('bad calibration input is refused, naming the sequence', { skip }, () => {
  const m = tinyGpt2(3);
  assert.throws(() => ortChannelStats(m, [SEQS[0]!, SEQS[1]!.subarray(1)], { batch: 2 }), /calibration sequence 1: length 6, expected 7/);
  assert.throws(() => ortChannelStats(m, [Int32Array.from([1, 99])], { batch: 1 }), /sequence 0: token 1 is 99, outside the vocabulary/);
  disposeModel(m);
});
