import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, getFamily, type LanguageModel, type OlmoConfig } from '../../kernel-lib/index.ts';
import { applyRotary } from '../../kernel-lib/model/rotary.ts';
import { lossAndGrads } from '../../kernel-lib/model/lm.ts';
import { formulaMatrix, referenceLogits, type RefConfig, type RefWeights } from './olmo-reference.ts';

const olmo = getFamily<OlmoConfig>('olmo');

before(async () => { await initBackend({ quiet: true }); });

/** A tiny OlmoForCausalLM config.json. */
function rawConfig(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model_type: 'olmo', architectures: ['OlmoForCausalLM'], vocab_size: 11, hidden_size: 8, intermediate_size: 12,
    num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 2, max_position_embeddings: 32,
    rope_theta: 10000, clip_qkv: null, tie_word_embeddings: true, pad_token_id: 1, eos_token_id: 10, hidden_act: 'silu', ...over,
  };
}

/** Model + reference weights from the sin formula (tensor k = position in paramShapes order). */
function buildModel(raw: Record<string, unknown>, scale = 0.4): { model: LanguageModel<OlmoConfig>; w: RefWeights; ref: RefConfig } {
  const config = olmo.parseConfig(raw, 'config.json');
  const w: RefWeights = new Map();
  const params = new Map<string, tf.Variable>();
  let k = 0;
  for (const [name, shape] of olmo.paramShapes(config)) {
    const m = formulaMatrix(shape[0]!, shape[1]!, k++, name.includes('embed') || name.includes('lm_head') ? 1 : scale);
    w.set(name, m);
    params.set(name, tf.variable(tf.tensor2d(m.flat(), shape as [number, number]), true, name));
  }
  const ref: RefConfig = { V: config.vocabSize, C: config.hiddenSize, L: config.numLayers, H: config.numHeads, K: config.numKeyValueHeads, D: config.headDim, theta: config.ropeTheta, clip: config.clipQkv, tied: config.tieWordEmbeddings };
  return { model: { family: 'olmo', config, params }, w, ref };
}

function logitsOf(model: LanguageModel<OlmoConfig>, ids: number[][]): number[][] {
  return tf.tidy(() => {
    const h = olmo.hidden(model, tf.tensor2d(ids, [ids.length, ids[0]!.length], 'int32'));       // [N, C]
    return tf.matMul(h, tf.transpose(olmo.lmHead(model))).arraySync() as number[][];             // [N, V]
  });
}

function assertClose(got: number[][], want: number[][], tol: number, what: string): void {
  let worst = 0;
  for (let i = 0; i < want.length; i++) for (let j = 0; j < want[i]!.length; j++) worst = Math.max(worst, Math.abs(got[i]![j]! - want[i]![j]!));
  assert.ok(worst <= tol, `${what}: max |diff| ${worst} > ${tol}`);
}

function dispose(model: LanguageModel): void { for (const v of model.params.values()) v.dispose(); }

test('tiny tied OLMo logits match the float64 reference within 1e-4', () => {
  const { model, w, ref } = buildModel(rawConfig());
  const ids = [[3, 1, 4, 1, 5], [9, 2, 6, 5, 3]];
  const got = logitsOf(model, ids);
  const want = ids.flatMap((row) => referenceLogits(ref, w, row));
  assertClose(got, want, 1e-4, 'tied MHA');
  dispose(model);
});

test('untied head, clip_qkv, GQA and explicit head_dim match the float64 reference within 1e-4', () => {
  const raw = rawConfig({ vocab_size: 13, hidden_size: 12, head_dim: 4, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 10, rope_theta: 500, clip_qkv: 0.3, tie_word_embeddings: false, num_hidden_layers: 2 });
  const { model, w, ref } = buildModel(raw, 0.6);
  assert.equal(model.config.headDim, 4);
  const ids = [[0, 12, 7, 7, 3, 2, 11, 4, 5], [6, 6, 1, 0, 9, 8, 10, 3, 12]];
  const got = logitsOf(model, ids);
  const want = ids.flatMap((row) => referenceLogits(ref, w, row));
  assertClose(got, want, 1e-4, 'untied GQA clip');
  // the clip must bite for this test to mean anything: some projection exceeds 0.3 unclipped
  const unclipped = referenceLogits({ ...ref, clip: null }, w, ids[0]!);
  assert.ok(Math.abs(unclipped[5]![0]! - want[5]![0]!) > 1e-3, 'clip_qkv changes the logits');
  dispose(model);
});

test('RoPE equals hand-computed rotations at positions 0, 1 and 7 (pairs i, i+D/2)', () => {
  // D = 4, theta = 10000: invFreq = [1, 10000^-0.5 = 0.01]; x = [1, 2, 3, 4] at every position.
  // position p rotates (x0, x2) by p rad and (x1, x3) by 0.01 p rad:
  //   out0 = x0 cos a - x2 sin a, out2 = x2 cos a + x0 sin a (a = p), same for (1, 3) with b = 0.01 p.
  const x = tf.tensor2d([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4], [8, 4]);
  const out = applyRotary(x, 1, 8, 1, 4, { theta: 10000, scaling: null }).arraySync() as number[][];
  const expected = (p: number) => {
    const a = p, b = 0.01 * p;
    return [1 * Math.cos(a) - 3 * Math.sin(a), 2 * Math.cos(b) - 4 * Math.sin(b), 3 * Math.cos(a) + 1 * Math.sin(a), 4 * Math.cos(b) + 2 * Math.sin(b)];
  };
  assert.deepEqual(out[0], [1, 2, 3, 4]);
  // p = 1: [1*0.540302 - 3*0.841471, 2*0.99995 - 4*0.0099998, 3*0.540302 + 0.841471, 4*0.99995 + 2*0.0099998]
  assertClose([out[1]!], [[-1.984111, 1.959900, 2.462377, 4.019800]], 1e-5, 'p=1 literal');
  for (const p of [0, 1, 7]) assertClose([out[p]!], [expected(p)], 1e-5, `p=${p}`);
  x.dispose();
});

test('parseConfig reads OLMo-1B-hf, defaults and errors name the key', () => {
  const c = getFamily<OlmoConfig>('olmo').parseConfig({
    model_type: 'olmo', vocab_size: 50304, hidden_size: 2048, intermediate_size: 8192, num_hidden_layers: 16,
    num_attention_heads: 16, num_key_value_heads: 16, max_position_embeddings: 2048, rope_theta: 10000, clip_qkv: null,
    tie_word_embeddings: true, pad_token_id: 1, eos_token_id: 50279, hidden_act: 'silu', attention_bias: false, rope_scaling: null,
  }, 'OLMo-1B-hf/config.json');
  assert.equal(c.headDim, 128);
  assert.equal(c.numKeyValueHeads, 16);
  assert.equal(c.eosTokenId, 50279);
  assert.equal(c.padTokenId, 1);
  assert.equal(c.bosTokenId, null);
  const nested = olmo.parseConfig(rawConfig({ rope_theta: undefined, rope_parameters: { rope_type: 'default', rope_theta: 500000 } }), 'c.json');
  assert.equal(nested.ropeTheta, 500000);
  assert.throws(() => olmo.parseConfig(rawConfig({ hidden_act: 'gelu' }), 'x/config.json'), /x\/config.json: hidden_act/);
  assert.throws(() => olmo.parseConfig(rawConfig({ num_key_value_heads: 3 }), 'x/config.json'), /num_key_value_heads/);
  assert.throws(() => olmo.parseConfig(rawConfig({ hidden_size: 'big' }), 'x/config.json'), /x\/config.json: hidden_size/);
  assert.throws(() => olmo.parseConfig(rawConfig({ rope_scaling: { type: 'linear', factor: 2 } }), 'x/config.json'), /rope_scaling/);
});

test('checkShapes accepts pruned widths and names the bad tensor', () => {
  const c = olmo.parseConfig(rawConfig(), 'c.json');
  const shapes = olmo.paramShapes(c);
  olmo.checkShapes(c, shapes, 'm.safetensors');
  const pruned = new Map(shapes);
  pruned.set('model.layers.1.mlp.gate_proj.weight', [5, 8]); pruned.set('model.layers.1.mlp.up_proj.weight', [5, 8]);
  pruned.set('model.layers.1.mlp.down_proj.weight', [8, 5]);
  pruned.set('model.layers.0.self_attn.q_proj.weight', [4, 8]); pruned.set('model.layers.0.self_attn.k_proj.weight', [4, 8]);
  pruned.set('model.layers.0.self_attn.v_proj.weight', [4, 8]); pruned.set('model.layers.0.self_attn.o_proj.weight', [8, 4]);
  olmo.checkShapes(c, pruned, 'm.safetensors');
  const bad = new Map(pruned); bad.set('model.layers.1.mlp.down_proj.weight', [8, 6]);
  assert.throws(() => olmo.checkShapes(c, bad, 'm.safetensors'), /m.safetensors: tensor model.layers.1.mlp.down_proj.weight has shape \[8,6\]/);
  const extra = new Map(shapes); extra.set('lm_head.weight', [11, 8]);
  assert.throws(() => olmo.checkShapes(c, extra, 'm.safetensors'), /unexpected tensor lm_head.weight/);
  // export: non-uniform MLP refused; uniform head pruning writes heads + explicit head_dim
  assert.throws(() => olmo.toConfigJson(c, pruned), /MLP widths differ per layer/);
  const uniform = new Map(shapes);
  for (const i of [0, 1]) {
    for (const p of ['q', 'k', 'v']) uniform.set(`model.layers.${i}.self_attn.${p}_proj.weight`, [4, 8]);
    uniform.set(`model.layers.${i}.self_attn.o_proj.weight`, [8, 4]);
  }
  const json = olmo.toConfigJson(c, uniform);
  assert.equal(json.num_attention_heads, 1); assert.equal(json.num_key_value_heads, 1); assert.equal(json.head_dim, 4);
  assert.equal(json.intermediate_size, 12);
  assert.equal(olmo.toConfigJson(c, shapes).head_dim, undefined);
});

test('initParams: normal(0, initializer_range), pad row zero, names as paramShapes', () => {
  const c = olmo.parseConfig(rawConfig({ vocab_size: 64, hidden_size: 32, intermediate_size: 64, initializer_range: 0.05 }), 'c.json');
  const p = olmo.initParams(c, 3);
  assert.deepEqual([...p.keys()], [...olmo.paramShapes(c).keys()]);
  const e = p.get('model.embed_tokens.weight')!.arraySync() as number[][];
  assert.ok(e[1]!.every((v) => v === 0));
  const g = Array.from(p.get('model.layers.0.mlp.gate_proj.weight')!.dataSync());
  const sd = Math.sqrt(g.reduce((s, v) => s + v * v, 0) / g.length);
  assert.ok(Math.abs(sd - 0.05) < 0.005, `std ${sd}`);
  for (const t of p.values()) t.dispose();
});

test('MLP pruning to 50% and GQA head-group pruning pass the masked-equivalence test (applyPlan)', async () => {
  const { applyPlan } = await import('../../kernel-lib/index.ts');
  const raw = rawConfig({ vocab_size: 13, hidden_size: 12, head_dim: 4, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 10, clip_qkv: 0.5, tie_word_embeddings: false });
  const { model } = buildModel(raw, 0.6);
  const groups = olmo.groups(model);
  assert.deepEqual(groups.map((g) => `${g.kind}${g.layer}:${g.count}`), ['heads0:2', 'mlp0:10', 'heads1:2', 'mlp1:10']);
  const keepMlp = [[0, 3, 4, 7, 9], [1, 2, 5, 6, 8]];
  const plan = {
    family: 'olmo' as const, criterion: 'manual', selection: 'manual',
    groups: [
      { kind: 'mlp' as const, layer: 0, count: 10, keep: keepMlp[0]!, scores: [] },
      { kind: 'mlp' as const, layer: 1, count: 10, keep: keepMlp[1]!, scores: [] },
      { kind: 'heads' as const, layer: 1, count: 2, keep: [1], scores: [] },   // kv head 1 with q heads 2, 3
    ],
  };
  const pruned = applyPlan(model, plan);
  assert.deepEqual(pruned.params.get('model.layers.0.mlp.down_proj.weight')!.shape, [12, 5]);
  assert.deepEqual(pruned.params.get('model.layers.1.self_attn.q_proj.weight')!.shape, [8, 12]);
  assert.deepEqual(pruned.params.get('model.layers.1.self_attn.k_proj.weight')!.shape, [4, 12]);
  olmo.checkShapes(pruned.config, new Map([...pruned.params].map(([n, v]) => [n, v.shape])), 'pruned');
  // masked model: the removed neurons' down_proj columns and removed q heads' o_proj columns zeroed
  const zeroCols = (name: string, cols: (j: number) => boolean) => {
    const v = model.params.get(name)!;
    const [r, c] = v.shape as [number, number];
    const mask = tf.tensor2d(Array.from({ length: r * c }, (_, i) => (cols(i % c) ? 0 : 1)), [r, c]);
    const out = tf.variable(tf.mul(v, mask), false);
    mask.dispose();
    return out;
  };
  const masked = new Map(model.params);
  for (const l of [0, 1]) masked.set(`model.layers.${l}.mlp.down_proj.weight`, zeroCols(`model.layers.${l}.mlp.down_proj.weight`, (j) => !keepMlp[l]!.includes(j)));
  masked.set('model.layers.1.self_attn.o_proj.weight', zeroCols('model.layers.1.self_attn.o_proj.weight', (j) => j < 8));
  const ids = [[0, 12, 7, 7, 3, 2], [6, 6, 1, 0, 9, 8]];
  assertClose(logitsOf(pruned, ids), logitsOf({ ...model, params: masked }, ids), 1e-5, 'pruned vs masked');
  dispose(pruned);
  for (const l of [0, 1]) masked.get(`model.layers.${l}.mlp.down_proj.weight`)!.dispose();
  masked.get('model.layers.1.self_attn.o_proj.weight')!.dispose();
  dispose(model);
});

test('lossAndGrads: gradients match float64 finite differences of the reference (GQA, clip, untied), no leak', () => {
  const raw = rawConfig({ vocab_size: 13, hidden_size: 12, head_dim: 4, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 10, clip_qkv: 0.5, tie_word_embeddings: false, num_hidden_layers: 1 });
  const { model, w, ref } = buildModel(raw, 0.6);
  const seq = [0, 12, 7, 7, 3, 2, 9];
  const ids = tf.tensor2d([seq.slice(0, -1)], [1, 6], 'int32');
  const targets = tf.tensor2d([seq.slice(1)], [1, 6], 'int32');
  const mask = tf.ones([1, 6]) as tf.Tensor2D;
  const before = tf.memory().numTensors;
  const { loss, grads } = lossAndGrads(model, { ids, targets, mask });
  // float64 reference loss: mean over positions of logsumexp(z) - z[target]
  const refLoss = (ws: typeof w): number => {
    const z = referenceLogits(ref, ws, seq.slice(0, -1));
    return z.reduce((s, row, t) => { const m = Math.max(...row); return s + m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) - row[seq[t + 1]!]!; }, 0) / z.length;
  };
  assert.ok(Math.abs(loss - refLoss(w)) < 1e-4, `loss ${loss} vs ${refLoss(w)}`);
  const probes: [string, number, number][] = [
    ['model.layers.0.self_attn.q_proj.weight', 5, 3], ['model.layers.0.self_attn.k_proj.weight', 6, 1],
    ['model.layers.0.self_attn.v_proj.weight', 2, 7], ['model.layers.0.self_attn.o_proj.weight', 3, 9],
    ['model.layers.0.mlp.gate_proj.weight', 4, 2], ['model.layers.0.mlp.up_proj.weight', 9, 11],
    ['model.layers.0.mlp.down_proj.weight', 1, 8], ['model.embed_tokens.weight', 7, 4], ['lm_head.weight', 12, 0],
  ];
  for (const [name, r, c] of probes) {
    const h = 1e-6;
    const bump = (d: number) => { const m = new Map(w); const rows = w.get(name)!.map((row) => row.slice()); rows[r]![c]! += d; m.set(name, rows); return refLoss(m); };
    const fd = (bump(h) - bump(-h)) / (2 * h);
    const g = (grads.get(name)!.arraySync() as number[][])[r]![c]!;
    assert.ok(Math.abs(g - fd) < 1e-4 + 1e-3 * Math.abs(fd), `${name}[${r},${c}]: grad ${g} vs finite difference ${fd}`);
  }
  assert.deepEqual([...grads.keys()].sort(), [...model.params.keys()].sort());
  for (const g of grads.values()) g.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensors leaked by lossAndGrads');
  tf.dispose([ids, targets, mask]);
  dispose(model);
});

test('untied GQA clip_qkv config matches torch 1.13 float64 logits (transformers module semantics) within 1e-4', () => {
  // Literals printed by test/model/olmo-torch-reference.py: torch F.layer_norm without affine,
  // F.linear, clamp, rotate_half RoPE, repeat_kv by expand, softmax with a -inf causal mask, silu.
  const torchLogits: Record<number, number[]> = {
    0: [6.203051, -3.382246, -6.340714, 3.124168, 6.467873, -2.860915, -6.584317, 2.592922, 6.689853, -2.320634, -6.784307, 2.044501, 6.867522],
    4: [-7.665688, -2.052741, 7.582138, 2.361347, -7.486027, -2.666041, 7.377515, 2.966318, -7.256781, -3.261681, 7.124025, 3.551641, -6.979467],
    8: [7.588329, 1.254807, -7.537256, -1.561586, 7.473697, 1.865778, -7.397757, -2.166879, 7.309561, 2.46439, -7.209256, -2.757819, 7.097008],
  };
  const raw = rawConfig({ vocab_size: 13, hidden_size: 12, head_dim: 4, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 10, rope_theta: 500, clip_qkv: 0.3, tie_word_embeddings: false, num_hidden_layers: 2 });
  const { model, w, ref } = buildModel(raw, 0.6);
  const ids = [0, 12, 7, 7, 3, 2, 11, 4, 5];
  const got = logitsOf(model, [ids]);
  const js = referenceLogits(ref, w, ids);
  for (const t of [0, 4, 8]) {
    assertClose([got[t]!], [torchLogits[t]!], 1e-4, `tfjs vs torch at t=${t}`);
    assertClose([js[t]!], [torchLogits[t]!], 1e-5, `float64 JS reference vs torch at t=${t}`);
  }
  dispose(model);
});

test('capture reports each layer\'s MLP activation [N, F] and head outputs [N, H*D]', () => {
  const raw = rawConfig({ vocab_size: 13, hidden_size: 12, head_dim: 4, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 10 });
  const { model, w } = buildModel(raw, 0.6);
  const seen: string[] = [];
  let mlp0: number[][] = [];
  tf.tidy(() => {
    olmo.hidden(model, tf.tensor2d([[1, 2, 3]], [1, 3], 'int32'), {
      capture: (site, a) => { seen.push(`${site.kind}${site.layer}:[${a.shape}]`); if (site.kind === 'mlp' && site.layer === 0) mlp0 = a.arraySync() as number[][]; },
    });
  });
  assert.deepEqual(seen, ['heads0:[3,16]', 'mlp0:[3,10]', 'heads1:[3,16]', 'mlp1:[3,10]']);
  // layer 0 MLP activation at position 0 by hand: silu(gate h) * up h with h = norm(embedding of token 1)
  const e = w.get('model.embed_tokens.weight')![1]!;
  const norm = (x: number[]) => { const m = x.reduce((a, b) => a + b, 0) / x.length; const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length; return x.map((y) => (y - m) / Math.sqrt(v + 1e-5)); };
  // position 0 attends only to itself: attention output = o_proj(v) with v the (unclipped) value of position 0
  const mv = (m: number[][], x: number[]) => m.map((r) => r.reduce((s, a, j) => s + a * x[j]!, 0));
  const h0 = norm(e);
  const v = mv(w.get('model.layers.0.self_attn.v_proj.weight')!, h0);
  const vRep = [0, 1, 2, 3].flatMap((hh) => v.slice(Math.floor(hh / 2) * 4, Math.floor(hh / 2) * 4 + 4));
  const x1 = e.map((a, c) => a + mv(w.get('model.layers.0.self_attn.o_proj.weight')!, vRep)[c]!);
  const h1 = norm(x1);
  const g = mv(w.get('model.layers.0.mlp.gate_proj.weight')!, h1), u = mv(w.get('model.layers.0.mlp.up_proj.weight')!, h1);
  assertClose([mlp0[0]!], [g.map((gi, f) => (gi / (1 + Math.exp(-gi))) * u[f]!)], 1e-5, 'mlp activation, layer 0, position 0');
  dispose(model);
});
