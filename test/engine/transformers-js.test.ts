// transformers.js (@huggingface/transformers 4.3.2, Node, its own onnxruntime-node session) is the real
// client of `lab export`: it loads our folders from disk and must compute what our engine computes.
// - stories260K (the real GGUF, LAB_REAL_DATA): greedy generation from BOS through transformers.js'
//   generate() equals llama2.c's published sample;
// - the mini GPT-2 exported with its weights as ONNX external data (onnx/model.onnx_data, the layout a
//   model past 2 GB gets): transformers.js' log-probabilities equal our ONNX Runtime engine's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { settings } from '../../kernel-lib/runtime/settings.ts';
import { loadModel, loadTokenizer, exportOnnx } from '../../kernel-lib/index.ts';
import { scoreTokensOn } from '../../kernel-lib/engine/score-tokens-on.ts';
import { ortAvailable } from '../../kernel-lib/engine/select-engine.ts';
import { PUBLISHED } from '../helpers/stories260k-sample.ts';

const HELPER = fileURLToPath(new URL('../helpers/transformers-js-forward.mjs', import.meta.url));
const LAB = fileURLToPath(new URL('../../bin/lab.js', import.meta.url));
const REAL = settings().realDataDir;
const ortSkip = ortAvailable().ok ? false : 'onnxruntime-node does not load';

function transformersJs(dir: string, ids: readonly number[], newTokens: number): { logprobs: number[]; generated: number[] } {
  const r = spawnSync(process.execPath, [HELPER, dir, ids.join(','), String(newTokens)], { encoding: 'utf8' });
  assert.equal(r.status, 0, `transformers.js failed on ${dir}:\n${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

test('transformers.js generates llama2.c\'s published stories260K sample from our export, greedily from BOS', { skip: !REAL ? 'LAB_REAL_DATA unset: needs the real stories260K GGUF' : ortSkip }, () => {
  const out = join(mkdtempSync(join(tmpdir(), 'tjs-stories-')), 'export');
  try {
    execFileSync(process.execPath, [LAB, 'export', join(REAL!, 'stories260K', 'stories260K.gguf'), '--format', 'onnx', '--out', out], { encoding: 'utf8', env: { ...process.env, LAB_QUIET: '1' } });
    const { generated } = transformersJs(out, [1], 256);
    assert.equal(generated.length, 256);
    const tok = loadTokenizer(out);
    assert.equal(tok.decode([1, ...generated]).slice(tok.decode([1]).length), PUBLISHED);
  } finally {
    rmSync(join(out, '..'), { recursive: true, force: true });
  }
});

test('transformers.js loads an export whose weights are external data and scores as our engine does', { skip: ortSkip }, async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'tjs-external-')), 'export');
  try {
    const model = await loadModel('mini');
    const r = exportOnnx(model, out, { externalData: 'always' });
    assert.ok(existsSync(join(out, 'onnx', 'model.onnx_data')), 'weights written beside the model');
    assert.ok(readFileSync(join(out, 'onnx', 'model.onnx')).length < 1 << 20, 'the model file holds the graph, not the weights');
    assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))['transformers.js_config'].use_external_data_format, true);
    assert.ok(r.bytes > 20e6, `bytes counts the data file: ${r.bytes}`);
    const ids = [464, 3290, 373, 257, 1310, 286, 262, 1110, 13, 198, 464, 2368];
    const ours = scoreTokensOn(model, Int32Array.from(ids), 1, ids.length, Int32Array.from([...ids.slice(1), -1]), 'ort').logprobs;
    const theirs = transformersJs(out, ids, 0).logprobs;
    assert.equal(theirs.length, ids.length - 1);
    for (let t = 0; t + 1 < ids.length; t++) assert.ok(Math.abs(theirs[t]! - ours[t]!) < 1e-4, `position ${t}: transformers.js ${theirs[t]} vs ours ${ours[t]}`);
  } finally {
    rmSync(join(out, '..'), { recursive: true, force: true });
  }
});
