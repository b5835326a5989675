/**
 * applyPlanOnHost gives the same model as applyPlan (same config, every tensor equal, created
 * biases included) for a compensated GPT-2 and a compensated GQA Llama; on a model loaded from
 * disk, planning with flap, applying on the host and saving never make a tfjs variable, and the
 * saved folder reloads to the tensors applyPlan gives.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, saveModel, loadModel, type LanguageModel, planPruning, applyPlan, applyPlanOnHost } from '../../kernel-lib/index.ts';
import { disposeModel } from '../../kernel-lib/model/dispose-model.ts';
import { HostParams } from '../../kernel-lib/model/host-params.ts';
import { paramFloat32, paramShapes } from '../../kernel-lib/model/param-values.ts';
import { loadOrt } from '../../kernel-lib/engine/ort-runtime.ts';
import { tinyGpt2 } from './tiny-gpt2.ts';
import { randomLlamaLike } from '../helpers/random-llama-like.ts';

const skip = loadOrt().ort ? false : `onnxruntime-node does not load here: ${loadOrt().reason}`;
before(async () => { await initBackend({ quiet: true }); });

const CAL = [0, 1, 2, 3].map((s) => Int32Array.from({ length: 9 }, (_, t) => (t * 7 + s * 3 + 1) % 50));

function sameModel(a: LanguageModel, b: LanguageModel, what: string, config = true): void {
  if (config) assert.deepEqual(b.config, a.config, `${what}: config`);
  const sa = paramShapes(a), sb = paramShapes(b);
  assert.deepEqual([...sb.keys()].sort(), [...sa.keys()].sort(), `${what}: parameter names`);
  for (const [name, shape] of sa) {
    assert.deepEqual(sb.get(name), shape, `${what}: shape of ${name}`);
    assert.deepEqual(paramFloat32(b, name), paramFloat32(a, name), `${what}: values of ${name}`);
  }
}

test('host = tfjs: compensated GPT-2 (heads+MLP, adaptive) and GQA Llama (created biases)', { skip }, () => {
  const g = tinyGpt2(4);
  const pg = planPruning(g, { target: 0.4, criterion: 'flap', selection: 'adaptive', compensation: 'bias', calibrationSamples: 4 }, { calibration: CAL });
  const tg = applyPlan(g, pg);
  sameModel(tg, applyPlanOnHost(g, pg), 'gpt2');
  const l = randomLlamaLike({ model_type: 'llama', vocab_size: 50, hidden_size: 24, num_hidden_layers: 2, intermediate_size: 40,
    max_position_embeddings: 64, num_attention_heads: 6, num_key_value_heads: 2, head_dim: 8 }, 8);
  const pl = planPruning(l, { target: 0.4, criterion: 'flap', compensation: 'bias', calibrationSamples: 4 }, { calibration: CAL });
  const tl = applyPlan(l, pl);
  sameModel(tl, applyPlanOnHost(l, pl), 'llama');
  [g, tg, l, tl].forEach(disposeModel);
});

test('from disk: flap planning, host apply and save make no tfjs variable; the folder reloads to applyPlan\'s tensors', { skip }, async () => {
  const m = randomLlamaLike({ model_type: 'llama', vocab_size: 50, hidden_size: 24, num_hidden_layers: 2, intermediate_size: 40,
    max_position_embeddings: 64, num_attention_heads: 4, num_key_value_heads: 2 }, 9);
  const dir = mkdtempSync(join(tmpdir(), 'lab-host-'));
  await saveModel(m, join(dir, 'dense'));
  const host = await loadModel(join(dir, 'dense'));
  assert.ok(host.params instanceof HostParams && !host.params.materialized);
  const cfg = { groups: ['mlp'], target: 0.5, criterion: 'flap', compensation: 'bias', calibrationSamples: 4 } as const;
  const plan = planPruning(host, cfg, { calibration: CAL });
  const pruned = applyPlanOnHost(host, plan);
  const saved = await saveModel(pruned, join(dir, 'pruned'), { layout: 'auto' });
  assert.equal((host.params as HostParams).materialized, false, 'planning, applying and saving stayed off tfjs');
  assert.equal(saved.layout, 'hf', saved.reason);
  const back = await loadModel(join(dir, 'pruned'));
  const want = applyPlan(m, planPruning(m, cfg, { calibration: CAL }));
  sameModel(want, back, 'reloaded', false);   // config.json rewrites the raw config
  for (let l = 0; l < 2; l++) assert.equal(paramShapes(back).get(`model.layers.${l}.mlp.down_proj.weight`)![1], 20);
  disposeModel(m); disposeModel(want);
});
