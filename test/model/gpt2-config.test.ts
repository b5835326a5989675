/**
 * GPT-2 config.json parsing / export and the parameter table. Reference facts: the `gpt2` hub
 * repo's config.json (keys below), its 124,439,808 parameters (wte 50257x768 + wpe 1024x768 + 12
 * blocks of 7,087,872 + ln_f 1,536: the count transformers' num_parameters() reports), and the
 * transformers pruned_heads example GPT2Config(n_head=4, pruned_heads={0:[1],1:[2,3]}) -> heads [3,2,4,4].
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gpt2CheckShapes, gpt2ConfigJson, gpt2ParamShapes, parseGpt2Config } from '../../kernel-lib/model/gpt2-config.ts';

const GPT2_CONFIG = {
  activation_function: 'gelu_new', architectures: ['GPT2LMHeadModel'], attn_pdrop: 0.1, bos_token_id: 50256,
  embd_pdrop: 0.1, eos_token_id: 50256, initializer_range: 0.02, layer_norm_epsilon: 1e-5, model_type: 'gpt2',
  n_ctx: 1024, n_embd: 768, n_head: 12, n_layer: 12, n_positions: 1024, resid_pdrop: 0.1,
  summary_activation: null, summary_first_dropout: 0.1, summary_proj_to_labels: true, summary_type: 'cls_index',
  summary_use_proj: true, task_specific_params: { 'text-generation': { do_sample: true, max_length: 50 } }, vocab_size: 50257,
};

const numel = (s: readonly number[]): number => s.reduce((a, d) => a * d, 1);

test('gpt2 config.json parses; the parameter table has 124,439,808 elements', () => {
  const c = parseGpt2Config(GPT2_CONFIG, 'gpt2/config.json');
  assert.equal(c.hiddenSize, 768); assert.equal(c.innerSize, 3072); assert.equal(c.numLayers, 12);
  assert.equal(c.eosTokenId, 50256); assert.equal(c.padTokenId, null); assert.equal(c.tieWordEmbeddings, true);
  const shapes = gpt2ParamShapes(c);
  assert.equal(shapes.size, 2 + 12 * 12 + 2);
  assert.equal([...shapes.values()].reduce((a, s) => a + numel(s), 0), 124_439_808);
  assert.deepEqual(shapes.get('h.3.attn.c_attn.weight'), [768, 2304]);
  assert.deepEqual(shapes.get('h.3.mlp.c_proj.weight'), [3072, 768]);
  gpt2CheckShapes(c, shapes, 'x');
  const back = gpt2ConfigJson(c, shapes);
  for (const [k, v] of Object.entries(GPT2_CONFIG)) assert.deepEqual(back[k], v, `key ${k} kept`);
  assert.equal(back.n_inner, 3072);
  assert.equal('pruned_heads' in back, false);
});

test('pruned_heads: per-layer head counts as transformers builds them, written back with original ids', () => {
  const raw = { model_type: 'gpt2', n_embd: 8, n_head: 4, n_layer: 4, n_positions: 16, vocab_size: 11, n_inner: 12, pruned_heads: { '0': [1], '1': [3, 2] } };
  const c = parseGpt2Config(raw, 'c.json');
  const shapes = gpt2ParamShapes(c);
  const heads = [0, 1, 2, 3].map((i) => shapes.get(`h.${i}.attn.c_attn.weight`)![1]! / (3 * 2));
  assert.deepEqual(heads, [3, 2, 4, 4]);
  assert.deepEqual(shapes.get('h.1.attn.c_proj.weight'), [4, 8]);
  const out = gpt2ConfigJson(c, shapes);
  assert.deepEqual(out.pruned_heads, { '0': [1], '1': [2, 3] });
  assert.equal(out.n_inner, 12);
});

test('config errors name the file and the key', () => {
  const base = { model_type: 'gpt2', n_embd: 8, n_head: 4, n_layer: 2, n_positions: 16, vocab_size: 11 };
  assert.throws(() => parseGpt2Config({ ...base, activation_function: 'relu' }, 'm/config.json'), /m\/config\.json: key 'activation_function' must be "gelu_new"/);
  assert.throws(() => parseGpt2Config({ ...base, n_head: 3 }, 'm/config.json'), /m\/config\.json: key 'n_head' \(3\) must divide n_embd \(8\)/);
  assert.throws(() => parseGpt2Config({ ...base, n_layer: 'two' }, 'm/config.json'), /key 'n_layer' must be an integer/);
  assert.throws(() => parseGpt2Config({ ...base, pruned_heads: { '5': [0] } }, 'm/config.json'), /key 'pruned_heads' has layer key "5"/);
  assert.throws(() => parseGpt2Config({ ...base, pruned_heads: { '0': [0, 1, 2, 3] } }, 'm/config.json'), /prunes all 4 heads/);
  assert.throws(() => parseGpt2Config({ ...base, pruned_heads: { '0': [4] } }, 'm/config.json'), /distinct head ids in 0\.\.3/);
  assert.throws(() => parseGpt2Config({ ...base, tie_word_embeddings: false }, 'm/config.json'), /key 'tie_word_embeddings' must be true/);
});

test('checkShapes: missing, unexpected and contradicting tensors; per-layer widths only in the lab layout', () => {
  const base = { model_type: 'gpt2', n_embd: 8, n_head: 2, n_layer: 2, n_positions: 16, vocab_size: 11 };
  const c = parseGpt2Config(base, 'c.json');
  const good = gpt2ParamShapes(c);
  const without = new Map(good); without.delete('h.1.ln_2.bias');
  assert.throws(() => gpt2CheckShapes(c, without, 'm.safetensors'), /m\.safetensors: missing tensor 'h\.1\.ln_2\.bias'/);
  const extra = new Map(good); extra.set('h.2.ln_1.weight', [8]);
  assert.throws(() => gpt2CheckShapes(c, extra, 'm.safetensors'), /m\.safetensors: unexpected tensor 'h\.2\.ln_1\.weight'/);
  const wrong = new Map(good); wrong.set('wte.weight', [12, 8]);
  assert.throws(() => gpt2CheckShapes(c, wrong, 'm.safetensors'), /m\.safetensors: tensor 'wte\.weight' has shape \[12, 8\] but config\.json \(.*vocab_size=11.*\) implies \[11, 8\]/);
  const narrow = new Map(good);
  narrow.set('h.0.mlp.c_fc.weight', [8, 20]); narrow.set('h.0.mlp.c_fc.bias', [20]); narrow.set('h.0.mlp.c_proj.weight', [20, 8]);
  assert.throws(() => gpt2CheckShapes(c, narrow, 'm.safetensors'), /tensor 'h\.0\.mlp\.c_fc\.weight' has shape \[8, 20\] but .* implies \[8, 32\]/);
  assert.throws(() => gpt2ConfigJson(c, narrow), /per-layer MLP widths \[20, 32\] cannot be expressed in GPT2Config/);
  const lab = parseGpt2Config({ ...base, lab_per_layer_widths: true }, 'c.json');
  gpt2CheckShapes(lab, narrow, 'm.safetensors');
  const half = new Map(narrow); half.set('h.0.mlp.c_proj.weight', [19, 8]);
  assert.throws(() => gpt2CheckShapes(lab, half, 'm.safetensors'), /tensor 'h\.0\.mlp\.c_proj\.weight' has shape \[19, 8\] .* implies \[20, 8\]/);
  const out = gpt2ConfigJson(lab, narrow);
  assert.equal(out.lab_per_layer_widths, true); assert.equal(out.n_inner, 32);
  // heads must agree with pruned_heads
  const pruned = new Map(good); pruned.set('h.0.attn.c_attn.weight', [8, 12]);
  assert.throws(() => gpt2ConfigJson(c, pruned), /layer 0 has 1 heads .* config\.prunedHeads implies 2/);
});
