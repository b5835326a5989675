// Weights outside tfjs (model/host-params.ts): a loaded checkpoint stays in its file until tfjs
// needs it; ONNX Runtime sessions read it tensor by tensor (inline or as external data) and agree
// with the tfjs forward of the same weights; a graph too large for this machine is refused before
// anything is built.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { initBackend, loadModel, disposeSessions } from '../../kernel-lib/index.ts';
import { gpt2ParamShapes, parseGpt2Config } from '../../kernel-lib/model/gpt2-config.ts';
import { HostParams } from '../../kernel-lib/model/host-params.ts';
import { scoreTokensOn } from '../../kernel-lib/engine/score-tokens-on.ts';

before(async () => { await initBackend({ quiet: true }); });

const RAW = { model_type: 'gpt2', n_embd: 1024, n_head: 2, n_layer: 1, n_positions: 8, resid_pdrop: 0, embd_pdrop: 0, attn_pdrop: 0 };

/** A GPT-2 folder whose safetensors file is sparse (header written, data all zero): any size, no disk.
 *  `dtypes` overrides the stored dtype of named tensors. */
function sparseGpt2(vocab: number, dtypes: Record<string, string> = {}): string {
  const raw = { ...RAW, vocab_size: vocab };
  const header: Record<string, unknown> = {};
  let off = 0;
  for (const [name, shape] of gpt2ParamShapes(parseGpt2Config(raw, 'x'))) {
    const dtype = dtypes[name] ?? 'F32';
    const bytes = (dtype === 'I64' ? 8 : 4) * shape.reduce((a, d) => a * d, 1);
    header[name] = { dtype, shape, data_offsets: [off, off + bytes] };
    off += bytes;
  }
  const h = Buffer.from(JSON.stringify(header));
  const dir = mkdtempSync(join(tmpdir(), 'host-weights-'));
  const fd = openSync(join(dir, 'model.safetensors'), 'w');
  const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(h.length));
  writeSync(fd, len); writeSync(fd, h); ftruncateSync(fd, 8 + h.length + off); closeSync(fd);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(raw));
  return dir;
}

test('a graph whose float32 weights exceed the machine is refused before any session or tfjs tensor, naming the file and the numbers', async () => {
  const vocab = Math.ceil(totalmem() / (4 * 1024)) + 1000;   // the token embedding alone is larger than the machine's memory
  const dir = sparseGpt2(vocab);
  try {
    const before = tf.memory().numTensors;
    const model = await loadModel(dir);
    assert.ok(model.params instanceof HostParams && !model.params.materialized);
    assert.throws(() => scoreTokensOn(model, Int32Array.from([1, 2]), 1, 2, Int32Array.from([2, -1]), 'ort'),
      /model\.safetensors: ONNX Runtime needs \d+\.\d\d GiB of float32 weights for this gpt2 graph, more than 85% of this machine's \d+\.\d\d GiB of memory/);
    assert.equal(tf.memory().numTensors, before, 'no tfjs tensor was made');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    disposeSessions();
  }
});

test('external-data sessions score what inline sessions and the tfjs forward score (same random checkpoint)', () => {
  // one child per path so each process builds its own sessions from the file
  const dir = mkdtempSync(join(tmpdir(), 'host-weights-'));
  try {
    const script = `
      import { initBackend } from './kernel-lib/runtime/backend.ts';
      import { loadModel } from './kernel-lib/model/load-model.ts';
      import { saveModel } from './kernel-lib/model/save-model.ts';
      import { gpt2 } from './kernel-lib/model/gpt2.ts';
      import { parseGpt2Config } from './kernel-lib/model/gpt2-config.ts';
      import { scoreTokensOn } from './kernel-lib/engine/score-tokens-on.ts';
      import { existsSync } from 'node:fs';
      import * as tf from '@tensorflow/tfjs-core';
      await initBackend({ quiet: true });
      const dir = process.argv[1];
      if (!existsSync(dir + '/model.safetensors')) {
        const config = parseGpt2Config({ ${Object.entries({ ...RAW, n_embd: 32, n_layer: 2, vocab_size: 50 }).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')} }, 'x');
        const params = new Map([...gpt2.initParams(config, 7)].map(([n, t]) => [n, tf.variable(t)]));
        await saveModel({ family: 'gpt2', config, params }, dir);
      }
      const m = await loadModel(dir);
      const ids = Int32Array.from([3, 14, 15, 9, 26, 5, 35, 8]);
      const targets = Int32Array.from([14, 15, 9, 26, 5, 35, 8, -1]);
      const r = scoreTokensOn(m, ids, 1, 8, targets, process.argv[2]);
      console.log(JSON.stringify({ lp: [...r.logprobs].slice(0, 7), stored: m.params.materialized }));
    `;
    const run = (engine: string, env: Record<string, string>) => {
      const p = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir, engine], { encoding: 'utf8', env: { ...process.env, LAB_QUIET: '1', ...env }, cwd: join(import.meta.dirname, '..', '..') });
      assert.equal(p.status, 0, p.stderr);
      return JSON.parse(p.stdout.trim().split('\n').at(-1)!) as { lp: number[]; stored: boolean };
    };
    const tfjs = run('tfjs', {});
    const inline = run('ort', { LAB_ORT_EXTERNAL_DATA_BYTES: String(2 ** 30) });
    const external = run('ort', { LAB_ORT_EXTERNAL_DATA_BYTES: '0' });
    assert.equal(tfjs.stored, true, 'the tfjs forward made variables');
    assert.equal(inline.stored, false, 'ort never made tfjs variables');
    assert.equal(external.stored, false);
    for (let t = 0; t < 7; t++) {
      assert.ok(Math.abs(inline.lp[t]! - tfjs.lp[t]!) < 1e-4, `inline ${inline.lp[t]} vs tfjs ${tfjs.lp[t]} at ${t}`);
      assert.equal(external.lp[t], inline.lp[t], `external data and inline give the same float32 result at ${t}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a weight stored in a dtype the engines cannot read is refused at load, naming the file and the tensor', async () => {
  const dir = sparseGpt2(50, { 'ln_f.bias': 'I64' });
  try {
    await assert.rejects(loadModel(dir), /model\.safetensors: tensor 'ln_f\.bias' has dtype I64; the engines read F32, F16 and BF16 weights/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
