/**
 * `lab prune` without recovery on forward passes (child processes): flap with adaptive selection on
 * mini-bpe writes a lab-layout folder (per-layer widths) with prune_summary.json holding the kept
 * widths, score distributions, compensation norms and the layout's reason, and lab score opens it;
 * --data FILE.jsonl calibrates on the file; a wrong --data is refused naming the flag.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const lab = (args: string[]) => {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'lab.js'), ...args], { encoding: 'utf8', env: { ...process.env, LAB_QUIET: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test('flap, adaptive, mini-bpe: summary with widths, scores and compensation; lab score opens the folder', { timeout: 300_000 }, () => {
  const D = join(mkdtempSync(join(tmpdir(), 'lab-flap-')), 'pruned');
  const p = lab(['prune', 'mini-bpe', '--criterion', 'flap', '--selection', 'adaptive', '--target', '0.3', '--of', 'pruned', '--calibration-samples', '8', '--eval-blocks', '4', '--out', D]);
  assert.equal(p.code, 0, p.err);
  assert.match(p.err, /criterion flap: forward-pass statistics on ONNX Runtime; selection adaptive; compensation bias/);
  assert.match(p.out, /compensation: folded into the existing output-projection biases/);
  const s = JSON.parse(readFileSync(join(D, 'prune_summary.json'), 'utf8'));
  assert.equal(s.plan.kept.heads.length, 4);
  assert.equal(s.plan.kept.mlp.length, 4);
  assert.ok(Math.abs(s.sparsity.pruned - 0.3) < 0.01, `pruned share ${s.sparsity.pruned}`);
  assert.equal(s.plan.compensation.length, 8, 'one shift per attention and MLP output bias of the 4 layers');
  assert.ok(s.plan.compensation.every((c: { norm: number }) => c.norm > 0));
  assert.ok(s.plan.layers.every((l: { scores: { min: number; max: number } }) => l.scores.min <= l.scores.max));
  assert.ok(s.perplexity.pruned > s.perplexity.base, JSON.stringify(s.perplexity));
  // 95% intervals: each perplexity inside its own, the paired ratio pruned / dense inside its own.
  assert.ok(s.perplexity.baseCi[0] < s.perplexity.base && s.perplexity.base < s.perplexity.baseCi[1], JSON.stringify(s.perplexity));
  assert.ok(s.perplexity.prunedCi[0] < s.perplexity.pruned && s.perplexity.pruned < s.perplexity.prunedCi[1], JSON.stringify(s.perplexity));
  assert.ok(Math.abs(s.perplexity.ratio.value - s.perplexity.pruned / s.perplexity.base) < 1e-9 * s.perplexity.ratio.value);
  assert.ok(s.perplexity.ratio.ciLow < s.perplexity.ratio.value && s.perplexity.ratio.value < s.perplexity.ratio.ciHigh);
  assert.match(p.out, /perplexity [\d.]+ \[[\d.]+, [\d.]+\] -> [\d.]+ \[[\d.]+, [\d.]+\] \(4 held-out blocks, \d+ tokens, corpus:all\); pruned \/ dense [\d.]+ \[/);
  if (new Set(s.plan.kept.mlp).size > 1) assert.equal(s.saved.layout, 'lab');
  assert.match(s.saved.reason, /auto/);
  const sc = lab(['score', D, '--text', 'The old man and the sea', '--json']);
  assert.equal(sc.code, 0, sc.err);
  assert.equal(JSON.parse(sc.out).logprobs.length, JSON.parse(sc.out).ids.length);
});

test('--data FILE.jsonl calibrates on the file; a .csv is refused naming --data', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-flap-data-'));
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  writeFileSync(join(dir, 'cal.jsonl'), text.split('\n\n').filter((x) => x.trim()).map((t) => JSON.stringify({ text: t })).join('\n'));
  const p = lab(['prune', 'mini-bpe', '--criterion', 'wanda-sp', '--groups', 'mlp', '--target', '0.5', '--of', 'pruned', '--data', join(dir, 'cal.jsonl'),
    '--calibration-samples', '8', '--eval-blocks', '4', '--out', join(dir, 'out')]);
  assert.equal(p.code, 0, p.err);
  assert.match(p.err, /calibration .*cal\.jsonl: 8 sequences of 65 tokens; perplexity on 4 held-out blocks/);
  const s = JSON.parse(readFileSync(join(dir, 'out', 'prune_summary.json'), 'utf8'));
  assert.deepEqual(s.plan.kept.mlp, [512, 512, 512, 512]);
  assert.equal(s.saved.layout, 'hf');
  writeFileSync(join(dir, 'cal.csv'), 'a,b\n');
  const bad = lab(['prune', 'mini-bpe', '--criterion', 'flap', '--data', join(dir, 'cal.csv'), '--out', join(dir, 'bad')]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /--data: expected corpus:NAME, self or a \.txt \/ \.jsonl file/);
});
