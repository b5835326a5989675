/**
 * loadModel / saveModel: round trips (identical tensors and logits; F16 within IEEE half rounding),
 * the exact file layout GPT2LMHeadModel.save_pretrained writes (`transformer.` keys, lm_head.weight
 * omitted when tied, __metadata__ {"format":"pt"}), the original `gpt2` repo layout (no prefix, attn.bias
 * buffers, lm_head), and every refusal naming the file and tensor with nothing written.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, openSync, ftruncateSync, closeSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, logits, type GPT2Config, type LanguageModel } from '../../kernel-lib/index.ts';
import { createRng } from '../../kernel-lib/runtime/random.ts';
import { gpt2 } from '../../kernel-lib/model/gpt2.ts';
import { gpt2CheckShapes, gpt2ConfigJson, gpt2ParamShapes, parseGpt2Config } from '../../kernel-lib/model/gpt2-config.ts';
import { loadModelFromDir } from '../../kernel-lib/model/load-model.ts';
import { saveModelWith } from '../../kernel-lib/model/save-model.ts';
import { writeSafetensors } from '../../kernel-lib/model/safetensors-write.ts';
import { openSafetensors } from '../../kernel-lib/model/safetensors.ts';
import type { Family } from '../../kernel-lib/model/types.ts';
import { paramShape } from '../../kernel-lib/model/param-values.ts';

// The registered family's compute with this helper's config functions (independent of when gpt2.ts switches to them).
const family: Family<GPT2Config> = { ...gpt2, parseConfig: parseGpt2Config, toConfigJson: gpt2ConfigJson, paramShapes: gpt2ParamShapes, checkShapes: gpt2CheckShapes };
const tmp = (): string => mkdtempSync(join(tmpdir(), 'lm-test-'));

before(async () => { await initBackend({ quiet: true }); });

const RAW = { model_type: 'gpt2', n_embd: 8, n_head: 2, n_layer: 2, n_positions: 16, vocab_size: 23, resid_pdrop: 0, embd_pdrop: 0, attn_pdrop: 0, custom_key: 'kept' };

/** A model with random values in every parameter; `widths` overrides per-layer MLP widths. */
function randomModel(raw: Record<string, unknown>, seed: number, widths?: number[]): LanguageModel<GPT2Config> {
  const config = parseGpt2Config(raw, 'test');
  const rng = createRng(seed);
  const params = new Map<string, tf.Variable>();
  for (const [name, shape0] of gpt2ParamShapes(config)) {
    const m = /^h\.(\d+)\.mlp\.(c_fc\.weight|c_fc\.bias|c_proj\.weight)$/.exec(name);
    const shape = shape0.slice();
    if (m && widths) shape[m[2] === 'c_fc.weight' ? 1 : 0] = widths[Number(m[1])]!;
    const n = shape.reduce((a, d) => a * d, 1);
    params.set(name, tf.variable(tf.tensor(Float32Array.from({ length: n }, () => rng.next() - 0.5), shape)));
  }
  return { family: 'gpt2', config, params };
}

const ids = (): tf.Tensor2D => tf.tensor2d([[1, 5, 7, 22], [3, 3, 0, 9]], [2, 4], 'int32');
function dispose(m: LanguageModel): void { for (const v of m.params.values()) v.dispose(); }

test('save -> load: identical tensors and logits; save_pretrained file layout', () => {
  const m = randomModel({ ...RAW, pruned_heads: { '1': [0] } }, 1);
  const dir = tmp();
  saveModelWith(family, m, dir);
  assert.deepEqual(readdirSync(dir).sort(), ['config.json', 'model.safetensors']);
  const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  assert.equal(cfg.custom_key, 'kept'); assert.equal(cfg.n_inner, 32); assert.deepEqual(cfg.pruned_heads, { '1': [0] });
  assert.equal(cfg.torch_dtype, 'float32'); assert.deepEqual(cfg.architectures, ['GPT2LMHeadModel']);
  const r = openSafetensors(join(dir, 'model.safetensors'));
  assert.deepEqual(r.metadata, { format: 'pt' });
  assert.ok(r.entries.has('transformer.h.1.attn.c_attn.weight') && r.entries.has('transformer.wte.weight'));
  assert.ok(![...r.entries.keys()].some((k) => !k.startsWith('transformer.')), 'every key prefixed; lm_head.weight omitted (tied)');
  assert.deepEqual(r.entries.get('transformer.h.1.attn.c_attn.weight')!.shape, [8, 12]);
  r.close();
  const back = loadModelFromDir(dir, family);
  return back.then((b) => {
    assert.deepEqual([...b.params.keys()].sort(), [...m.params.keys()].sort());
    for (const [k, v] of m.params) assert.deepEqual(b.params.get(k)!.dataSync(), v.dataSync(), k);
    assert.deepEqual(b.config.raw.custom_key, 'kept');
    const x = ids();
    const [la, lb] = [logits(m, x), logits(b, x)];
    assert.deepEqual(lb.dataSync(), la.dataSync());
    tf.dispose([x, la, lb]); dispose(m); dispose(b);
  });
});

test('float16 checkpoint loads with IEEE half rounding (|err| <= 2^-11 |x|, or 2^-25 for subnormals)', async () => {
  const m = randomModel(RAW, 2);
  const dir = tmp();
  saveModelWith(family, m, dir, { dtype: 'float16' });
  assert.equal(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).torch_dtype, 'float16');
  const b = await loadModelFromDir(dir, family);
  let changed = 0;
  for (const [k, v] of m.params) {
    const a = v.dataSync(), c = b.params.get(k)!.dataSync();
    for (let i = 0; i < a.length; i++) {
      const bound = Math.abs(a[i]!) >= 2 ** -14 ? 2 ** -11 * Math.abs(a[i]!) : 2 ** -25;
      assert.ok(Math.abs(a[i]! - c[i]!) <= bound, `${k}[${i}]: ${a[i]} -> ${c[i]}`);
      if (a[i] !== c[i]) changed++;
    }
  }
  assert.ok(changed > 0, 'values were actually rounded');
  dispose(m); dispose(b);
});

test('original gpt2 repo layout: no prefix, attn.bias / masked_bias buffers and a tied lm_head are dropped', async () => {
  const m = randomModel(RAW, 3);
  const dir = tmp();
  const tensors = [...m.params].map(([name, v]) => ({ name, shape: v.shape, data: v.dataSync() as Float32Array }));
  tensors.push({ name: 'h.0.attn.bias', shape: [1, 1, 16, 16], data: new Float32Array(256) });
  tensors.push({ name: 'h.1.attn.masked_bias', shape: [], data: new Float32Array([-1e4]) });
  tensors.push({ name: 'lm_head.weight', shape: [23, 8], data: m.params.get('wte.weight')!.dataSync() as Float32Array });
  writeSafetensors(join(dir, 'model.safetensors'), tensors);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(RAW));
  const b = await loadModelFromDir(dir, family);
  assert.equal(b.params.size, m.params.size);
  dispose(b);
  // an untied-looking lm_head contradicting tie_word_embeddings is refused
  tensors[tensors.length - 1] = { name: 'lm_head.weight', shape: [23, 8], data: new Float32Array(23 * 8) };
  writeSafetensors(join(dir, 'model.safetensors'), tensors);
  await assert.rejects(loadModelFromDir(dir, family), /model\.safetensors: tensor 'lm_head\.weight' differs from 'wte\.weight' but config\.json says tie_word_embeddings=true/);
  dispose(m);
});

test('refusals name the file and tensor: missing, unexpected, config contradicting tensors', async () => {
  const m = randomModel(RAW, 4);
  const all = [...m.params].map(([name, v]) => ({ name: 'transformer.' + name, shape: v.shape, data: v.dataSync() as Float32Array }));
  const cases: [typeof all, Record<string, unknown>, RegExp][] = [
    [all.filter((t) => t.name !== 'transformer.h.1.mlp.c_fc.bias'), RAW, /model\.safetensors: missing tensor 'h\.1\.mlp\.c_fc\.bias'/],
    [[...all, { name: 'transformer.h.0.extra', shape: [1], data: new Float32Array(1) }], RAW, /model\.safetensors: unexpected tensor 'h\.0\.extra'/],
    [all, { ...RAW, n_positions: 32 }, /model\.safetensors: tensor 'wpe\.weight' has shape \[16, 8\] but config\.json \(.*n_positions=32\) implies \[32, 8\]/],
    [all, { ...RAW, n_inner: 16 }, /model\.safetensors: tensor 'h\.0\.mlp\.c_fc\.weight' has shape \[8, 32\] but config\.json .* implies \[8, 16\]/],
  ];
  const before = tf.memory().numTensors;
  for (const [tensors, raw, message] of cases) {
    const dir = tmp();
    writeSafetensors(join(dir, 'model.safetensors'), tensors);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(raw));
    await assert.rejects(loadModelFromDir(dir, family), message);
    assert.deepEqual(readdirSync(dir).sort(), ['config.json', 'model.safetensors'], 'nothing written');
  }
  assert.equal(tf.memory().numTensors, before, 'a failed load allocates nothing');
  const dir = tmp();
  writeFileSync(join(dir, 'config.json'), JSON.stringify(RAW));
  writeFileSync(join(dir, 'pytorch_model.bin'), Buffer.from('80027d71', 'hex'));
  await assert.rejects(loadModelFromDir(dir, family), /pytorch_model\.bin found; PyTorch pickle .* refused/);
  dispose(m);
});

test('a model larger than the wasm heap loads without tfjs (headers only); tfjs use is refused before allocating, naming tfjs-node', async (t) => {
  const info = await initBackend({ quiet: true });
  if (info.memoryLimitBytes === null) { t.skip(`backend ${info.choice} has no memory limit`); return; }
  // wte [1_100_000, 1024] F32 = 4.5 GB, stored as a sparse file (only the header is written).
  const raw = { ...RAW, vocab_size: 1_100_000, n_embd: 1024, n_head: 2, n_layer: 1, n_positions: 1 };
  const shapes = gpt2ParamShapes(parseGpt2Config(raw, 'x'));
  const header: Record<string, unknown> = {};
  let off = 0;
  for (const [name, shape] of shapes) {
    const bytes = 4 * shape.reduce((a, d) => a * d, 1);
    header[name] = { dtype: 'F32', shape, data_offsets: [off, off + bytes] };
    off += bytes;
  }
  const h = Buffer.from(JSON.stringify(header));
  const dir = tmp();
  const fd = openSync(join(dir, 'model.safetensors'), 'w');
  const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(h.length));
  writeSync(fd, len); writeSync(fd, h); ftruncateSync(fd, 8 + h.length + off); closeSync(fd);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(raw));
  const before = tf.memory().numTensors;
  const model = await loadModelFromDir(dir, family);
  assert.equal(tf.memory().numTensors, before, 'loading makes no tensor');
  assert.deepEqual(paramShape(model, 'wte.weight'), [1_100_000, 1024]);
  assert.throws(() => model.params.get('wte.weight'), /tfjs needs 4\.\d+ GiB of float32 parameters .* more than the wasm backend can hold .* @tensorflow\/tfjs-node/);
  assert.equal(tf.memory().numTensors, before, 'the refused materialisation made no tensor');
});

test('saveModel refuses per-layer MLP widths for HF export (nothing written); the lab layout round-trips them', async () => {
  const m = randomModel(RAW, 5, [12, 32]);
  const dir = tmp();
  assert.throws(() => saveModelWith(family, m, dir), /per-layer MLP widths \[12, 32\] cannot be expressed in GPT2Config/);
  assert.deepEqual(readdirSync(dir), []);
  saveModelWith(family, m, dir, { layout: 'lab' });
  assert.equal(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).lab_per_layer_widths, true);
  const b = await loadModelFromDir(dir, family);
  assert.deepEqual(b.params.get('h.0.mlp.c_proj.weight')!.shape, [12, 8]);
  const x = ids();
  const [la, lb] = [logits(m, x), logits(b, x)];
  assert.deepEqual(lb.dataSync(), la.dataSync());
  tf.dispose([x, la, lb]); dispose(m); dispose(b);
});

/** A safetensors file with BF16 tensors, built by hand (the writer only writes F32/F16): bf16 = upper 16 bits of the float32. */
function writeBf16(path: string, tensors: { name: string; shape: number[]; data: Float32Array }[]): void {
  const header: Record<string, unknown> = {};
  let off = 0;
  for (const t of tensors) { header[t.name] = { dtype: 'BF16', shape: t.shape, data_offsets: [off, off + 2 * t.data.length] }; off += 2 * t.data.length; }
  const h = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(h.length));
  const body = Buffer.concat(tensors.map((t) => {
    const u32 = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
    return Buffer.from(Uint16Array.from(u32, (b) => b >>> 16).buffer);
  }));
  writeFileSync(path, Buffer.concat([len, h, body]));
}

test('sharded checkpoint with BF16 and F32 shards loads (values exactly bf16-representable)', async () => {
  const m = randomModel(RAW, 6);
  const dir = tmp();
  const all = [...m.params].map(([name, v]) => {
    const d = Float32Array.from(v.dataSync(), (x) => Math.round(x * 64) / 64);   // k/64 with |k| <= 32: exact in bf16
    return { name: 'transformer.' + name, shape: [...v.shape], data: d };
  });
  const half = Math.floor(all.length / 2);
  writeBf16(join(dir, 'model-00001-of-00002.safetensors'), all.slice(0, half));
  writeSafetensors(join(dir, 'model-00002-of-00002.safetensors'), all.slice(half));
  const weightMap = Object.fromEntries(all.map((t, i) => [t.name, i < half ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors']));
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(RAW));
  const b = await loadModelFromDir(dir, family);
  for (const t of all) assert.deepEqual(b.params.get(t.name.slice('transformer.'.length))!.dataSync(), t.data, t.name);
  dispose(m); dispose(b);
});

test('a hub id loads through the loopback hub into the HF cache layout (HF_ENDPOINT, HF_HUB_CACHE)', async () => {
  const { startHubServer } = await import('../helpers/hub-server.ts');
  const { resolveModelDir } = await import('../../kernel-lib/model/load-model.ts');
  const m = randomModel(RAW, 7);
  const repo = tmp();
  saveModelWith(family, m, repo);
  writeFileSync(join(repo, 'README.md'), 'not downloaded');
  const hub = await startHubServer({ repos: { 'org/tiny-gpt2': repo } });
  const cache = tmp();
  const env = { ...process.env };
  process.env.HF_ENDPOINT = hub.endpoint; process.env.HF_HUB_CACHE = cache;
  try {
    const dir = await resolveModelDir('org/tiny-gpt2');
    assert.equal(dir, join(cache, 'models--org--tiny-gpt2', 'snapshots', hub.commitOf('org/tiny-gpt2')));
    assert.deepEqual(readdirSync(dir).sort(), ['config.json', 'model.safetensors']);
    const b = await loadModelFromDir(dir, family);
    for (const [k, v] of m.params) assert.deepEqual(b.params.get(k)!.dataSync(), v.dataSync(), k);
    dispose(b);
    process.env.LAB_OFFLINE = '1';
    const n = hub.requests.length;
    assert.equal(await resolveModelDir('org/tiny-gpt2'), dir);
    assert.equal(hub.requests.length, n, 'offline: no requests');
    await assert.rejects(resolveModelDir('org/unknown'), /org\/unknown@main: not a folder, not a mini model id, and offline mode/);
  } finally {
    process.env = env;
    await hub.close();
    dispose(m);
  }
});

test('a hub repo with only a pickle checkpoint is refused, and the pickle is never downloaded', async () => {
  const { startHubServer } = await import('../helpers/hub-server.ts');
  const { resolveModelDir } = await import('../../kernel-lib/model/load-model.ts');
  const repo = tmp();
  writeFileSync(join(repo, 'config.json'), JSON.stringify(RAW));
  writeFileSync(join(repo, 'pytorch_model.bin'), Buffer.from('80027d71', 'hex'));
  const hub = await startHubServer({ repos: { 'org/old': repo } });
  const env = { ...process.env };
  process.env.HF_ENDPOINT = hub.endpoint; process.env.HF_HUB_CACHE = tmp();
  try {
    await assert.rejects(resolveModelDir('org/old'), /org\/old@main: the repo has no model\.safetensors .*; it only has pytorch_model\.bin: PyTorch pickle checkpoints are refused \(never unpickled or executed\)/);
    assert.ok(!hub.requests.some((r) => r.path.endsWith('pytorch_model.bin')), 'pickle not fetched');
  } finally {
    process.env = env;
    await hub.close();
  }
});

test('saveModel: float16 refuses values beyond 65504 (nothing written); tokenizer files are copied', async () => {
  const m = randomModel(RAW, 8);
  const big = randomModel(RAW, 8);
  tf.tidy(() => big.params.get('h.0.ln_1.weight')!.assign(tf.fill([8], 70000)));
  const dir = tmp();
  assert.throws(() => saveModelWith(family, big, dir, { dtype: 'float16' }), /tensor 'h\.0\.ln_1\.weight' holds 70000 at element 0, beyond the float16 range \(max 65504\)/);
  assert.deepEqual(readdirSync(dir), []);
  assert.throws(() => saveModelWith(family, big, join(dir, 'new'), { dtype: 'float16' }), /beyond the float16 range/);
  assert.deepEqual(readdirSync(dir), [], 'a folder created by the failed save is removed');
  const tok = tmp();
  writeFileSync(join(tok, 'tokenizer.json'), '{"model": {}}');
  saveModelWith(family, m, dir, { tokenizerFiles: [join(tok, 'tokenizer.json')] });
  assert.deepEqual(readdirSync(dir).sort(), ['config.json', 'model.safetensors', 'tokenizer.json']);
  assert.equal(readFileSync(join(dir, 'tokenizer.json'), 'utf8'), '{"model": {}}');
  dispose(m); dispose(big);
});
