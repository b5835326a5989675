/**
 * `lab info`: counts from headers only, checked against closed-form GPT-2 parameter counts
 * (per layer: 4C LayerNorm + C*3hD + 3hD + hD*C + C attention + C*F + F + F*C + C MLP).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gpt2 } from '../../kernel-lib/model/gpt2.ts';
import { gpt2CheckShapes, gpt2ConfigJson, gpt2ParamShapes, parseGpt2Config } from '../../kernel-lib/model/gpt2-config.ts';
import { inspectCheckpoint } from '../../kernel-lib/model/load-model.ts';
import { writeSafetensors } from '../../kernel-lib/model/safetensors-write.ts';
import { describeCheckpoint } from '../../kernel-lib/cli/info.ts';
import { type GPT2Config } from '../../kernel-lib/index.ts';
import type { Family } from '../../kernel-lib/model/types.ts';

const family: Family<GPT2Config> = { ...gpt2, parseConfig: parseGpt2Config, toConfigJson: gpt2ConfigJson, paramShapes: gpt2ParamShapes, checkShapes: gpt2CheckShapes };

test('info: family, counts, per-layer heads and MLP width, dtypes, from headers only', () => {
  const raw = { model_type: 'gpt2', n_embd: 8, n_head: 4, n_layer: 2, n_positions: 16, vocab_size: 23, n_inner: 20, pruned_heads: { '1': [0, 2] } };
  const dir = mkdtempSync(join(tmpdir(), 'info-test-'));
  const shapes = gpt2ParamShapes(parseGpt2Config(raw, 'x'));
  writeSafetensors(join(dir, 'model.safetensors'), [...shapes].map(([name, shape]) => ({ name: 'transformer.' + name, shape, data: new Float32Array(shape.reduce((a, d) => a * d, 1)) })), { dtype: 'F16' });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(raw));
  const info = describeCheckpoint('tiny', inspectCheckpoint(dir, family), { choice: 'wasm', reason: 'test' });
  const C = 8, F = 20;
  const layer = (h: number): number => 4 * C + C * 3 * h * 2 + 3 * h * 2 + h * 2 * C + C + C * F + F + F * C + C;
  assert.equal(info.family, 'gpt2');
  assert.deepEqual(info.dtypes, ['F16']);
  assert.deepEqual(info.layers, [
    { layer: 0, parameters: layer(4), heads: 4, kvHeads: 4, mlpWidth: 20 },
    { layer: 1, parameters: layer(2), heads: 2, kvHeads: 2, mlpWidth: 20 },
  ]);
  assert.equal(info.parameters.embeddings, 23 * 8 + 16 * 8);
  assert.equal(info.parameters.total, 23 * 8 + 16 * 8 + layer(4) + layer(2) + 2 * C);
  assert.deepEqual(info.tensors.find((t) => t.name === 'h.1.attn.c_attn.weight'), { name: 'h.1.attn.c_attn.weight', shape: [8, 12], dtype: 'F16' });
});

test('lab info MODEL --json prints the stable JSON shape', async () => {
  const { run } = await import('../../kernel-lib/cli/info.ts');
  const raw = { model_type: 'gpt2', n_embd: 8, n_head: 2, n_layer: 1, n_positions: 4, vocab_size: 5 };
  const dir = mkdtempSync(join(tmpdir(), 'info-test-'));
  const shapes = gpt2ParamShapes(parseGpt2Config(raw, 'x'));
  writeSafetensors(join(dir, 'model.safetensors'), [...shapes].map(([name, shape]) => ({ name, shape, data: new Float32Array(shape.reduce((a, d) => a * d, 1)) })));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(raw));
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => { lines.push(s); };
  let code: number;
  try { code = await run([dir, '--json']); } finally { console.log = log; }
  assert.equal(code, 0);
  const out = JSON.parse(lines.join('\n'));
  assert.deepEqual(Object.keys(out), ['model', 'dir', 'family', 'weights', 'dtypes', 'backend', 'config', 'parameters', 'layers', 'tensors', 'flopsPerToken']);
  // Forward FLOPs per token, by hand: 2 x the block weight matrices (c_attn 8x24, attn.c_proj 8x8, c_fc 8x32,
  // mlp.c_proj 32x8), attention 2 x 2 x mean causal context ((T+1)/2 at T = n_positions 4) x h*D (8), head 2 V C.
  assert.deepEqual(out.flopsPerToken, { blocks: 2 * (8 * 24 + 8 * 8 + 8 * 32 + 32 * 8), attention: 2 * 2 * 2.5 * 8, head: 2 * 5 * 8, total: 2 * 768 + 80 + 80 });
  assert.equal(out.parameters.total, 5 * 8 + 4 * 8 + (4 * 8 + 8 * 24 + 24 + 8 * 8 + 8 + 8 * 32 + 32 + 32 * 8 + 8) + 16);
  assert.deepEqual(out.layers, [{ layer: 0, parameters: 4 * 8 + 8 * 24 + 24 + 8 * 8 + 8 + 8 * 32 + 32 + 32 * 8 + 8, heads: 2, kvHeads: 2, mlpWidth: 32 }]);
});

test('info on a GQA Llama: query heads H and key/value heads K per layer, pruned unevenly', async () => {
  const { headsText } = await import('../../kernel-lib/cli/info.ts');
  const { getFamily } = await import('../../kernel-lib/index.ts');
  // 6 q heads share 2 kv heads (D = 4); layer 1 lost one kv group: 3 q heads, 1 kv head.
  const raw = { model_type: 'llama', hidden_size: 24, num_attention_heads: 6, num_key_value_heads: 2, head_dim: 4, intermediate_size: 10, num_hidden_layers: 2, vocab_size: 7, max_position_embeddings: 8 };
  const llama = getFamily('llama');
  const shapes = llama.paramShapes(llama.parseConfig(raw, 'x'));
  shapes.set('model.layers.1.self_attn.q_proj.weight', [12, 24]);
  shapes.set('model.layers.1.self_attn.k_proj.weight', [4, 24]);
  shapes.set('model.layers.1.self_attn.v_proj.weight', [4, 24]);
  shapes.set('model.layers.1.self_attn.o_proj.weight', [24, 12]);
  const dir = mkdtempSync(join(tmpdir(), 'info-gqa-'));
  writeSafetensors(join(dir, 'model.safetensors'), [...shapes].map(([name, shape]) => ({ name, shape, data: new Float32Array(shape.reduce((a, d) => a * d, 1)) })));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(raw));
  const info = describeCheckpoint('gqa', inspectCheckpoint(dir), { choice: 'wasm', reason: 'test' });
  assert.deepEqual(info.layers.map((l) => [l.heads, l.kvHeads, l.mlpWidth]), [[6, 2, 10], [3, 1, 10]]);
  assert.deepEqual([info.config.numHeads, info.config.numKeyValueHeads, info.config.headDim], [6, 2, 4]);
  assert.equal(headsText(info), 'H=6/3 K=2/1 per layer (from the tensors; config.json says 6 (K=2) of head size 4)');
  assert.equal(headsText({ ...info, layers: info.layers.map((l) => ({ ...l, heads: 6, kvHeads: 2 })) }), 'H=6 K=2');
});
