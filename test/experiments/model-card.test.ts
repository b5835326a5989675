/**
 * The model card's architecture table counts query heads per layer, and adds key/value heads
 * only for grouped-query attention: a Llama with 6 q heads sharing 2 kv heads, then the same
 * with one kv group (3 q heads) removed from layer 1, by the closed form H_l = K_l * H / K.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, getFamily, applyPlan, modelCard, type LanguageModel } from '../../kernel-lib/index.ts';
import { disposeModel } from '../../kernel-lib/model/dispose-model.ts';

before(async () => { await initBackend({ quiet: true }); });

const rows = (m: LanguageModel) => Object.fromEntries((modelCard(m).config.objects() as { field: string; value: string }[]).map((r) => [r.field, r.value]));

test('model card: query heads and, with GQA, key/value heads per layer', () => {
  const fam = getFamily('llama');
  const config = fam.parseConfig({ model_type: 'llama', vocab_size: 30, hidden_size: 24, num_hidden_layers: 2, num_attention_heads: 6, num_key_value_heads: 2, intermediate_size: 16 }, 'c.json');
  const dense: LanguageModel = { family: 'llama', config, params: new Map([...fam.initParams(config, 1)].map(([n, t]) => [n, tf.variable(t)])) };
  const a = rows(dense);
  assert.deepEqual([a['attention heads per layer'], a['key/value heads per layer']], ['6', '2']);
  const pruned = applyPlan(dense, { family: 'llama', criterion: 'manual', selection: 'manual', groups: [{ kind: 'heads', layer: 1, count: 2, keep: [0], scores: [] }] });
  const b = rows(pruned);
  assert.deepEqual([b['attention heads per layer'], b['key/value heads per layer']], ['6 / 3', '2 / 1']);
  const gpt2 = getFamily('gpt2'), gc = gpt2.parseConfig({ model_type: 'gpt2', n_embd: 8, n_head: 2, n_layer: 1, n_positions: 8, vocab_size: 11 }, 'g.json');
  const g: LanguageModel = { family: 'gpt2', config: gc, params: new Map([...gpt2.initParams(gc, 2)].map(([n, t]) => [n, tf.variable(t)])) };
  assert.equal(rows(g)['key/value heads per layer'], undefined);
  assert.equal(rows(g)['attention heads per layer'], '2');
  for (const m of [dense, pruned, g]) disposeModel(m);
});
