/**
 * The test checkpoint writer itself: config.json text is what Python's json module writes for
 * the same object (the format transformers uses: indent 2, sorted keys, Python float spelling),
 * real-size folders shard as planned without writing them, the tokenizer covers [0, V), and
 * the stored elements follow the intended distributions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GPT2_XL, GPT2_XL_TWIN, OLMO_1B, OLMO_TWIN, TINYLLAMA_1B, TINYLLAMA_TWIN, hfTensors, parameterCount } from './hf-shapes.ts';
import { hfConfigJson, pythonFloat } from './hf-config-json.ts';
import { planShards, writeHfCheckpoint } from './write-hf-checkpoint.ts';
import { loadTokenizer } from '../../kernel-lib/index.ts';
import { openCheckpoint } from '../../kernel-lib/model/safetensors-index.ts';

const PY = '/usr/bin/python3';
const hasPython = spawnSync(PY, ['-c', 'import json'], { encoding: 'utf8' }).status === 0;

test('pythonFloat spells floats as Python repr does', () => {
  assert.equal(pythonFloat(10000), '10000.0');
  assert.equal(pythonFloat(0), '0.0');
  assert.equal(pythonFloat(1e-5), '1e-05');
  assert.equal(pythonFloat(1e-6), '1e-06');
  assert.equal(pythonFloat(0.02), '0.02');
  assert.equal(pythonFloat(0.0001), '0.0001');
  assert.equal(pythonFloat(2.5e-7), '2.5e-07');
});

test('config.json is byte-identical to Python json.dumps(indent=2, sort_keys=True) of the same object', { skip: hasPython ? false : `${PY} missing` }, () => {
  for (const s of [OLMO_1B, TINYLLAMA_1B, GPT2_XL, OLMO_TWIN]) {
    const text = hfConfigJson(s);
    const r = spawnSync(PY, ['-c', 'import json,sys; print(json.dumps(json.loads(sys.stdin.read()), indent=2, sort_keys=True))'], { input: text, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(text, r.stdout, s.name);
  }
  const olmo = JSON.parse(hfConfigJson(OLMO_1B));
  assert.deepEqual([olmo.vocab_size, olmo.hidden_size, olmo.num_hidden_layers, olmo.intermediate_size, olmo.tie_word_embeddings, olmo.torch_dtype], [50304, 2048, 16, 8192, true, 'bfloat16']);
  const llama = JSON.parse(hfConfigJson(TINYLLAMA_1B));
  assert.deepEqual([llama.num_attention_heads, llama.num_key_value_heads, llama.intermediate_size, llama.tie_word_embeddings, llama.torch_dtype], [32, 4, 5632, false, 'float16']);
});

test('real-size shapes: parameter counts of the published models and their shard plans', () => {
  // OLMo-1B-hf: 1,176,764,416 parameters; TinyLlama-1.1B: 1,100,048,384; GPT-2 XL: 1,557,611,200
  assert.equal(parameterCount(OLMO_1B), 1_176_764_416);
  assert.equal(parameterCount(TINYLLAMA_1B), 1_100_048_384);
  assert.equal(parameterCount(GPT2_XL), 1_557_611_200);
  const olmoShards = planShards(hfTensors(OLMO_1B), 'BF16', OLMO_1B.maxShardBytes);
  assert.equal(olmoShards.length, 2);
  assert.equal(planShards(hfTensors(TINYLLAMA_1B), 'F16', TINYLLAMA_1B.maxShardBytes).length, 1);
  assert.equal(planShards(hfTensors(GPT2_XL), 'F32', GPT2_XL.maxShardBytes).length, 2);
  for (const shard of olmoShards) assert.ok(shard.reduce((a, t) => a + 2 * t.shape[0]! * t.shape[1]!, 0) <= 2e9);
});

test('a twin folder: shards and index agree, the tokenizer covers [0, V), values are N(0, std) and norms near 1', () => {
  for (const s of [OLMO_TWIN, TINYLLAMA_TWIN, GPT2_XL_TWIN]) {
    const w = writeHfCheckpoint(s, { seed: 3 });
    try {
      const index = w.files.length > 1 ? JSON.parse(readFileSync(join(w.dir, 'model.safetensors.index.json'), 'utf8')) : null;
      const reader = openCheckpoint(w.dir);   // checks every index entry against the shard headers
      try {
        assert.deepEqual([...reader.entries.keys()].sort(), hfTensors(s).map((t) => t.key).sort());
        if (index) assert.equal(index.metadata.total_size, w.parameters * (s.dtype === 'F32' ? 4 : 2));
        for (const t of hfTensors(s)) {
          const x = reader.readFloat32(t.key);
          const mean = x.reduce((a, v) => a + v, 0) / x.length;
          const std = Math.sqrt(x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length);
          const [wantMean, wantStd] = t.kind === 'norm' ? [1, 0.1] : [0, s.std];
          assert.ok(Math.abs(mean - wantMean) < 0.3 * wantStd + 4 * wantStd / Math.sqrt(x.length), `${s.name} ${t.key}: mean ${mean}`);
          if (x.length >= 1000) assert.ok(Math.abs(std / wantStd - 1) < 0.1, `${s.name} ${t.key}: std ${std}, want ${wantStd}`);
        }
      } finally { reader.close(); }
      const tok = loadTokenizer(w.dir);
      assert.equal(tok.vocabSize, s.V);
      assert.equal(tok.tokens(Array.from({ length: s.V }, (_, i) => i)).length, s.V);   // every id has a token
      assert.equal(tok.eosTokenId, s.eos);
      const text = 'The quick brown fox, 42 times!';
      assert.equal(tok.decode(tok.encode(text)), text);
      for (const [content, id] of Object.entries(s.specials)) assert.deepEqual(tok.encode(content), [id]);
    } finally { rmSync(w.dir, { recursive: true, force: true }); }
  }
});
