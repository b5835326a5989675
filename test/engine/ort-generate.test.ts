/**
 * The decoder graph with its key/value cache: logits after a prompt fed in two pieces (cache
 * carried between them) equal tfjs logits() of the whole prompt within 1e-4, for a pruned tiny
 * GPT-2 and a tiny OLMo (GQA); greedy generation on the shipped mini models gives the same
 * tokens with the cache, without it, and on tfjs.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, logits, getFamily, loadModel, loadTokenizer, generate, type LanguageModel } from '../../kernel-lib/index.ts';
import { runDecoder } from '../../kernel-lib/engine/ort-decoder.ts';
import { tinyModel } from '../helpers/tiny-gpt2.ts';

before(async () => { await initBackend({ quiet: true }); });

function checkCachedLogits(model: LanguageModel, ids: number[], split: number): void {
  const V = model.config.vocabSize, T = ids.length;
  const ref = tf.tidy(() => logits(model, tf.tensor2d(ids, [1, T], 'int32')).dataSync() as Float32Array);   // [1, T, V]
  const a = runDecoder(model, ids.slice(0, split), 1, split, null);
  const b = runDecoder(model, ids.slice(split), 1, T - split, a.present);
  const got = new Float32Array(T * V);
  got.set(a.logits, 0); got.set(b.logits, split * V);
  let worst = 0;
  for (let k = 0; k < got.length; k++) worst = Math.max(worst, Math.abs(got[k]! - ref[k]!));
  assert.ok(worst <= 1e-4, `${model.family}: max |cached ort - tfjs| logit = ${worst}`);
}

test('decoder graph with a cache = tfjs logits: pruned GPT-2 and OLMo with grouped kv heads', () => {
  const { model } = tinyModel({ V: 60, P: 24, C: 16, L: 3, H: 4, headsPerLayer: [4, 1, 3], mlpPerLayer: [64, 7, 30] }, 9);
  checkCachedLogits(model, [3, 14, 15, 9, 26, 5, 35, 8, 9, 7, 9, 32], 7);
  const olmo = getFamily('olmo');
  const cfg = olmo.parseConfig({ model_type: 'olmo', vocab_size: 60, hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2,
    intermediate_size: 24, max_position_embeddings: 32, clip_qkv: 0.8, tie_word_embeddings: false, eos_token_id: 59, pad_token_id: 1 }, 'test');
  const params = new Map([...olmo.initParams(cfg, 4)].map(([n, t]) => [n, tf.variable(tf.mul(t, 10), false, `gen/${n}`)]));
  checkCachedLogits({ family: 'olmo', config: cfg, params }, [1, 2, 3, 5, 8, 13, 21, 34, 55, 29, 24], 1);
});

for (const name of ['mini', 'mini-olmo']) {
  test(`greedy generation on ${name}: cached ort = uncached ort = tfjs`, async () => {
    const model = await loadModel(name);
    const tok = loadTokenizer('gpt2')   // both mini models use the GPT-2 tokenizer;
    const prompt = 'The President said that the Congress';
    const cached = generate(model, tok, prompt, { maxNewTokens: 24, engine: 'ort', stopAtEos: false });
    const uncached = generate(model, tok, prompt, { maxNewTokens: 24, engine: 'ort', cache: false, stopAtEos: false });
    const tfjs = generate(model, tok, prompt, { maxNewTokens: 24, engine: 'tfjs', stopAtEos: false });
    assert.equal(cached.ids.length, 24);
    assert.deepEqual(cached.ids, uncached.ids);
    assert.deepEqual(cached.ids, tfjs.ids);
  });
}

test('a model updated in place (Variable.assign, as AdamW does) gets a new session, not stale weights', () => {
  const { model } = tinyModel({ V: 30, P: 12, C: 8, L: 1, H: 2 }, 21);
  const ids = [1, 2, 3, 4, 5];
  const before = runDecoder(model, ids, 1, ids.length, null).logits.slice();
  const w = model.params.get('ln_f.bias')!;
  w.assign(tf.add(w, 0.5) as tf.Tensor1D);
  const after = runDecoder(model, ids, 1, ids.length, null).logits;
  const ref = tf.tidy(() => logits(model, tf.tensor2d(ids, [1, ids.length], 'int32')).dataSync() as Float32Array);
  assert.ok(Math.max(...after.map((v, k) => Math.abs(v - before[k]!))) > 1e-3, 'the update changed nothing: stale session');
  assert.ok(Math.max(...after.map((v, k) => Math.abs(v - ref[k]!))) <= 1e-4);
});
