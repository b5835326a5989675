/**
 * The dry run's memory model (experiments/step-memory.ts):
 *  - against hand-worked figures for the paper's two models (arithmetic written out below);
 *  - against a measurement: on the cpu backend, the distinct data buffers a real training forward
 *    (lmLoss with the tape on) leaves alive for the backward, counted by watching every tensor
 *    the tfjs engine tracks, for a tiny GPT-2 and a tiny OLMo at two batch shapes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, getFamily, type LanguageModel } from '../../kernel-lib/index.ts';
import { gpt2 } from '../../kernel-lib/model/gpt2.ts';
import { parseGpt2Config } from '../../kernel-lib/model/gpt2-config.ts';
import { lmLoss } from '../../kernel-lib/model/lm.ts';
import type { BaseConfig, Family } from '../../kernel-lib/model/types.ts';
import { forwardBytes, trainingBytes, type ModelShape } from '../../kernel-lib/experiments/step-memory.ts';

const GPT2: ModelShape = { family: 'gpt2', params: 124_439_808, layers: 12, hidden: 768, mlp: 3072, heads: 12, vocab: 50257, maxPositions: 1024 };
const OLMO_1B: ModelShape = { family: 'olmo', params: 1_176_764_416, layers: 16, hidden: 2048, mlp: 8192, heads: 16, vocab: 50304, maxPositions: 2048 };

test('training GPT-2 on 8 x 1024 tokens: hand-worked bytes', () => {
  // weights 124,439,808 x 4 B = 497,759,232; gradients the same; AdamW's moments twice that.
  // per token and layer: 18 x 768 + 7 x 3072 + 12 heads x 1024 = 13,824 + 21,504 + 12,288 = 47,616 floats;
  // per token: 12 x 47,616 + 7 x 768 + 50,257 = 571,392 + 5,376 + 50,257 = 627,025 floats;
  // 8,192 tokens: 5,136,588,800 floats = 20,546,355,200 B; total 4 x 497,759,232 + that = 22,537,392,128 B.
  const b = trainingBytes(GPT2, 8, 1024);
  assert.equal(b.weights, 497_759_232);
  assert.equal(b.gradients, 497_759_232);
  assert.equal(b.optimizer, 995_518_464);
  assert.equal(b.activations, 20_546_355_200);
  assert.equal(b.total, 22_537_392_128);
});

test('training OLMo-1B on 4 x 2048 tokens: activations alone are ~70 GB', () => {
  // per token and layer: 27 x 2048 + 5 x 8192 + 16 x 2048 = 55,296 + 40,960 + 32,768 = 129,024 floats;
  // per token: 16 x 129,024 + 4 x 2048 + 50,304 = 2,064,384 + 8,192 + 50,304 = 2,122,880;
  // 8,192 tokens: 17,390,632,960 floats x 4 B = 69,562,531,840 B; weights 4,707,057,664 B, x 4 with gradients and moments.
  const b = trainingBytes(OLMO_1B, 4, 2048);
  assert.equal(b.activations, 69_562_531_840);
  assert.equal(b.total, 4 * 4_707_057_664 + 69_562_531_840);
});

test('evaluating OLMo-1B on ONNX Runtime, 16 x 2048 tokens: hand-worked bytes', () => {
  // 32,768 tokens x (6 x 2048 + 3 x 8192 + 2 x 16 x 2048 = 12,288 + 24,576 + 65,536 = 102,400)
  // = 3,355,443,200 floats, + one 16 Mi-logit head chunk 16,777,216 = 3,372,220,416 floats x 4 B.
  const b = forwardBytes(OLMO_1B, 16, 2048);
  assert.equal(b.weights, 4_707_057_664);
  assert.equal(b.gradients + b.optimizer, 0);
  assert.equal(b.activations, 13_488_881_664);
  assert.equal(b.total, 18_195_939_328);
  // a batch too small for a whole chunk holds only its own logits: 1 x 4 tokens x 50257
  assert.equal(forwardBytes(GPT2, 1, 4).activations, 4 * (4 * (6 * 768 + 3 * 3072 + 2 * 12 * 4) + 4 * 50257));
});

/** Bytes of the distinct data buffers made during `f` (not the model's variables) still alive when it returns. */
function liveBytesMadeBy(model: LanguageModel, f: () => tf.Scalar): { bytes: number; value: tf.Scalar } {
  const engine = tf.engine() as unknown as { trackTensor(t: tf.Tensor, b: unknown): void };
  const original = engine.trackTensor;
  const made: tf.Tensor[] = [];
  engine.trackTensor = function (t, b) { made.push(t); return original.call(this, t, b); };
  let value: tf.Scalar;
  try { value = f(); } finally { engine.trackTensor = original; }
  const params = new Set([...model.params.values()].map((p) => p.dataId));
  const seen = new Set<object>();
  let bytes = 0;
  for (const t of made) {
    if (t.isDisposed || params.has(t.dataId) || seen.has(t.dataId) || t === value) continue;
    seen.add(t.dataId);
    bytes += t.size * 4;
  }
  return { bytes, value };
}

function build<C extends BaseConfig>(family: Family<C>, config: C, name: string): LanguageModel<C> {
  const params = new Map<string, tf.Variable>();
  for (const [k, t] of family.initParams(config, 1)) { params.set(k, tf.variable(t)); t.dispose(); }
  return { family: name, config, params } as LanguageModel<C>;
}

test('the activation constants match the buffers a real tfjs training forward keeps (cpu backend, within 2%)', async () => {
  await initBackend({ backend: 'cpu', quiet: true });
  const C = 64, L = 2, H = 4, V = 61;
  const models: [LanguageModel, ModelShape][] = [
    [build(gpt2, parseGpt2Config({ model_type: 'gpt2', vocab_size: V, n_positions: 64, n_embd: C, n_layer: L, n_head: H, resid_pdrop: 0, embd_pdrop: 0, attn_pdrop: 0 }, 'tiny-gpt2'), 'gpt2'),
      { family: 'gpt2', params: 0, layers: L, hidden: C, mlp: 4 * C, heads: H, vocab: V, maxPositions: 64 }],
    [build(getFamily('olmo'), getFamily('olmo').parseConfig({ model_type: 'olmo', vocab_size: V, max_position_embeddings: 64, hidden_size: C, intermediate_size: 4 * C, num_hidden_layers: L, num_attention_heads: H, num_key_value_heads: H, tie_word_embeddings: true }, 'tiny-olmo'), 'olmo'),
      { family: 'olmo', params: 0, layers: L, hidden: C, mlp: 4 * C, heads: H, vocab: V, maxPositions: 64 }],
  ];
  for (const [model, shape] of models) {
    for (const [B, T] of [[4, 32], [8, 48]] as const) {
      const ids = tf.tensor2d(Array.from({ length: B * T }, (_, i) => (i * 7) % V), [B, T], 'int32');
      const mask = tf.ones([B, T]) as tf.Tensor2D;
      let measured = 0;
      const { value, grads } = tf.variableGrads(() => {
        const r = liveBytesMadeBy(model, () => lmLoss(model, { ids, targets: ids, mask }, { training: true, seed: 1 }));
        measured = r.bytes;
        return r.value;
      });
      const expected = trainingBytes(shape, B, T).activations;
      const ratio = measured / expected;
      assert.ok(ratio >= 1 && ratio < 1.02, `${shape.family} ${B}x${T}: ${measured} B alive after the forward, model says ${expected} (ratio ${ratio.toFixed(4)})`);
      tf.dispose([value, ...Object.values(grads), ids, mask]);
    }
    for (const p of model.params.values()) p.dispose();
  }
});
