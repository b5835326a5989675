import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, openSync, writeSync, ftruncateSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, getFamily, loadModel, type LanguageModel, type OlmoConfig } from '../../kernel-lib/index.ts';
import { startHubServer } from '../helpers/hub-server.ts';
import { formulaMatrix, referenceLogits, type RefConfig, type RefWeights } from './olmo-reference.ts';

const olmo = getFamily<OlmoConfig>('olmo');

let memoryLimit: number | null = null;
before(async () => { memoryLimit = (await initBackend({ quiet: true })).memoryLimitBytes; });

/** float32 -> the nearest-below bfloat16 value (truncation), so the BF16 file holds it exactly. */
function toBf16Exact(x: number): number {
  const f = new Float32Array([x]);
  new Uint32Array(f.buffer)[0]! &= 0xffff0000;
  return f[0]!;
}

interface Tensor { name: string; shape: number[]; data: Float32Array }

/**
 * Writes a BF16 safetensors file by hand (format: u64 LE header length, JSON header with dtype,
 * shape, data_offsets relative to the data start, then the bytes), independent of the project's
 * writer. `sparse`: write only the header and extend the file to its full size (no data on disk).
 */
function writeBf16(path: string, tensors: Tensor[], sparse = false): void {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let off = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, d) => a * d, 1);
    header[t.name] = { dtype: 'BF16', shape: t.shape, data_offsets: [off, off + 2 * n] };
    off += 2 * n;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(json.length));
  const fd = openSync(path, 'w');
  writeSync(fd, len); writeSync(fd, json);
  if (sparse) ftruncateSync(fd, 8 + json.length + off);
  else {
    for (const t of tensors) {
      const bits = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
      const out = new Uint16Array(t.data.length);
      for (let i = 0; i < out.length; i++) out[i] = bits[i]! >>> 16;   // upper half of the float32 = bf16
      writeSync(fd, new Uint8Array(out.buffer));
    }
  }
  closeSync(fd);
}

/** A sharded checkpoint folder: config.json, model.safetensors.index.json, two BF16 shards. */
function writeShardedOlmo(dir: string, raw: Record<string, unknown>, tensors: Tensor[], sparse = false): void {
  writeFileSync(join(dir, 'config.json'), JSON.stringify(raw));
  const half = Math.ceil(tensors.length / 2);
  const shards = [tensors.slice(0, half), tensors.slice(half)];
  const weightMap: Record<string, string> = {};
  shards.forEach((ts, i) => {
    const file = `model-0000${i + 1}-of-00002.safetensors`;
    writeBf16(join(dir, file), ts, sparse);
    for (const t of ts) weightMap[t.name] = file;
  });
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }));
}

const tinyRaw = {
  model_type: 'olmo', architectures: ['OlmoForCausalLM'], vocab_size: 13, hidden_size: 12, head_dim: 4, intermediate_size: 10,
  num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 32, rope_theta: 10000,
  clip_qkv: null, tie_word_embeddings: true, pad_token_id: 1, eos_token_id: 12, hidden_act: 'silu', torch_dtype: 'bfloat16',
};

/** The tiny checkpoint's tensors (bf16-exact formula values) and the same weights for the reference. */
function tinyTensors(): { tensors: Tensor[]; w: RefWeights } {
  const config = olmo.parseConfig(tinyRaw, 'config.json');
  const tensors: Tensor[] = [];
  const w: RefWeights = new Map();
  let k = 0;
  for (const [name, shape] of olmo.paramShapes(config)) {
    const m = formulaMatrix(shape[0]!, shape[1]!, k++, 0.5).map((row) => row.map(toBf16Exact));
    w.set(name, m);
    tensors.push({ name, shape, data: Float32Array.from(m.flat()) });
  }
  return { tensors, w };
}

test('a sharded BF16 OLMo checkpoint loads exactly through the loopback hub; logits match the float64 reference', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'olmo-bf16-'));
  const { tensors, w } = tinyTensors();
  // an inv_freq buffer as some transformers versions saved it: dropped by the loader
  writeShardedOlmo(dir, tinyRaw, [...tensors, { name: 'model.layers.0.self_attn.rotary_emb.inv_freq', shape: [2], data: new Float32Array([1, 0.01]) }]);
  const hub = await startHubServer({ repos: { 'allenai/OLMo-tiny-hf': dir } });
  process.env.HF_ENDPOINT = hub.endpoint;
  process.env.HF_HUB_CACHE = mkdtempSync(join(tmpdir(), 'olmo-hub-cache-'));
  let model: LanguageModel<OlmoConfig>;
  try {
    model = (await loadModel('allenai/OLMo-tiny-hf')) as LanguageModel<OlmoConfig>;
  } finally {
    await hub.close();
    delete process.env.HF_ENDPOINT;
  }
  const fetched = hub.requests.map((r) => r.path).join(' ');   // shards: resolve (302) then /cdn/ GETs
  assert.equal(hub.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/cdn/')).length, 2, 'two LFS shard bodies fetched');
  for (const f of ['model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']) assert.match(fetched, new RegExp(f.replace(/\./g, '\\.')));
  assert.equal(model.family, 'olmo');
  assert.deepEqual([...model.params.keys()].sort(), tensors.map((t) => t.name).sort());
  for (const t of tensors) assert.deepEqual(model.params.get(t.name)!.dataSync(), t.data, t.name);
  const ref: RefConfig = { V: 13, C: 12, L: 2, H: 4, K: 2, D: 4, theta: 10000, clip: null, tied: true };
  const ids = [5, 0, 12, 3, 3, 8, 1];
  const got = tf.tidy(() => tf.matMul(olmo.hidden(model, tf.tensor2d([ids], [1, ids.length], 'int32')), tf.transpose(olmo.lmHead(model))).arraySync() as number[][]);
  const want = referenceLogits(ref, w, ids);
  let worst = 0;
  want.forEach((row, i) => row.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - got[i]![j]!)); }));
  assert.ok(worst < 1e-4, `max |diff| ${worst}`);
  for (const v of model.params.values()) v.dispose();
});

test('a full-size OLMo-1B checkpoint loads on wasm without tfjs; tfjs use is refused before allocating, naming tfjs-node', async (t) => {
  if (memoryLimit === null) { t.skip('backend has no memory ceiling (native backend): nothing to refuse'); return; }
  // OLMo-1B-hf config (docs/pruning-facts.md section 4); shards are sparse files with the real headers.
  const raw = {
    model_type: 'olmo', architectures: ['OlmoForCausalLM'], vocab_size: 50304, hidden_size: 2048, intermediate_size: 8192,
    num_hidden_layers: 16, num_attention_heads: 16, num_key_value_heads: 16, max_position_embeddings: 2048, rope_theta: 10000,
    clip_qkv: null, tie_word_embeddings: true, pad_token_id: 1, eos_token_id: 50279, hidden_act: 'silu', torch_dtype: 'float32',
  };
  const config = olmo.parseConfig(raw, 'config.json');
  const tensors = [...olmo.paramShapes(config)].map(([name, shape]) => ({ name, shape, data: new Float32Array(0) }));
  const total = tensors.reduce((s, x) => s + x.shape.reduce((a, d) => a * d, 1), 0);
  assert.equal(total, 1_176_764_416);   // 50304*2048 + 16*(4*2048^2 + 3*2048*8192): the published 1.18B
  const dir = mkdtempSync(join(tmpdir(), 'olmo-1b-'));
  writeShardedOlmo(dir, raw, tensors, true);
  assert.ok(statSync(join(dir, 'model-00001-of-00002.safetensors')).size > 1e9);
  const before = tf.memory().numTensors;
  const model = await loadModel(dir);
  assert.equal(tf.memory().numTensors, before, 'loading reads headers only');
  assert.throws(() => [...model.params.values()], /tfjs needs 4\.38 GiB .*tfjs-node/);
  assert.equal(tf.memory().numTensors, before, 'nothing allocated');
});

test('saveModel -> loadModel round trip of a pruned OLMo: uniform exports for transformers, per-layer needs layout lab', async () => {
  const { saveModel } = await import('../../kernel-lib/index.ts');
  const { applyPlan } = await import('../../kernel-lib/index.ts');
  const dir = mkdtempSync(join(tmpdir(), 'olmo-rt-'));
  const { tensors } = tinyTensors();
  writeShardedOlmo(dir, tinyRaw, tensors);
  const base = (await loadModel(dir)) as LanguageModel<OlmoConfig>;
  const plan = (mlpKeep: number[][], headKeep: number[][]) => ({
    family: 'olmo' as const, criterion: 'manual', selection: 'manual',
    groups: [0, 1].flatMap((l) => [
      { kind: 'mlp' as const, layer: l, count: 10, keep: mlpKeep[l]!, scores: [] },
      { kind: 'heads' as const, layer: l, count: 2, keep: headKeep[l]!, scores: [] },
    ]),
  });
  const ids = tf.tensor2d([[5, 0, 12, 3, 3, 8, 1]], [1, 7], 'int32');
  const logitsOf = (m: LanguageModel<OlmoConfig>) => tf.tidy(() => tf.matMul(olmo.hidden(m, ids), tf.transpose(olmo.lmHead(m))).dataSync());
  // uniform: 5 of 10 neurons and 1 of 2 kv groups (2 of 4 q heads) in every layer
  const uniform = applyPlan(base, plan([[0, 2, 4, 6, 8], [1, 3, 5, 7, 9]], [[1], [0]]));
  const out1 = join(dir, 'uniform');
  await saveModel(uniform, out1);
  const cfg = JSON.parse((await import('node:fs')).readFileSync(join(out1, 'config.json'), 'utf8'));
  assert.deepEqual([cfg.intermediate_size, cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim, cfg.hidden_size], [5, 2, 1, 4, 12]);
  const back = (await loadModel(out1)) as LanguageModel<OlmoConfig>;
  assert.deepEqual(logitsOf(back), logitsOf(uniform));
  // non-uniform MLP widths: refused for transformers, round-trips in the lab layout
  const ragged = applyPlan(base, plan([[0, 1, 2], [1, 3, 5, 7, 9]], [[0, 1], [0, 1]]));
  await assert.rejects(saveModel(ragged, join(dir, 'ragged')), /MLP widths differ per layer \(3, 5\)/);
  await saveModel(ragged, join(dir, 'ragged-lab'), { layout: 'lab' });
  const back2 = (await loadModel(join(dir, 'ragged-lab'))) as LanguageModel<OlmoConfig>;
  assert.deepEqual(back2.params.get('model.layers.0.mlp.down_proj.weight')!.shape, [12, 3]);
  assert.deepEqual(logitsOf(back2), logitsOf(ragged));
  for (const m of [base, uniform, back, ragged, back2]) for (const v of m.params.values()) v.dispose();
  ids.dispose();
});
