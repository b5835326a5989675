/**
 * `lab reproduce --profile paper --dry-run` end to end: prints this machine's facts, the downloads
 * with what the hub cache (HF_HUB_CACHE) already holds, and one row per step with its backend,
 * memory, cached inputs and verdict, without touching the network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labSync } from './lab-child.ts';

test('lab reproduce --profile paper --dry-run: a table of checked steps', () => {
  const cache = mkdtempSync(join(tmpdir(), 'dry-run-cli-hub-'));
  const snap = join(cache, 'models--gpt2', 'snapshots', 'e'.repeat(40));
  mkdirSync(snap, { recursive: true });
  writeFileSync(join(snap, 'config.json'), '{}');
  writeFileSync(join(snap, 'model.safetensors'), '');
  const r = labSync(['reproduce', '--profile', 'paper', '--dry-run'], { HF_HUB_CACHE: cache, LAB_OFFLINE: '1', LAB_QUIET: '1' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^this machine: \d+\.\d GB memory; tfjs backends .*wasm.* \(wasm heap 4 GiB\); /m);
  assert.match(r.stdout, /^#\s+step\s+engine\/backend\s+memory needed of available\s+cached inputs\s+verdict$/m);
  const rows = r.stdout.split('\n').filter((l) => /^[1-7]\s{2}/.test(l));
  assert.equal(rows.length, 7, r.stdout);
  assert.match(rows[0]!, /evaluate GPT-2 .* gpt2 cached /);
  assert.match(rows[1]!, /multi-task fine-tuning of GPT-2: micro-batch 8 x 1024 tokens .*22\.5 GB \(weights\+grads\+AdamW 2\.0 GB, activations 20\.5 GB\) of /);
  assert.match(rows[4]!, /allenai\/OLMo-1B-hf not cached/);
  for (const row of rows) assert.match(row, /(runs here|needs .+)$/);
  assert.match(r.stdout, /^(every step runs here|[1-7] of 7 steps cannot run here); time: /m);
});
