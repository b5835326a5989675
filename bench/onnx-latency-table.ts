/**
 * `node --import tsx bench/onnx-latency-table.ts [--quick]`: the study's "pruning combined with
 * quantization" table on ONNX Runtime (all cores): dense vs pruned (47% of the heads and MLP
 * neurons, uneven per layer as the budget falls) vs pruned + int8 (weight-only, per-channel),
 * each exported with exportOnnx and timed from its file at batch 1 and 8 x 128 tokens (median of
 * 7 forwards after one warm-up, the three files timed in turn), with size on disk, forward FLOPs per token, and perplexity on
 * 16 blocks of 128 tokens of the mini validation text. Two model sets: GPT-2 small shapes with
 * random weights (perplexity ~ vocabulary size: only the f32 / int8 agreement is informative)
 * and the trained mini GPT-2 (models/mini). Writes results/tables/onnx-latency.{csv,md}.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../kernel-lib/runtime/backend.ts';
import { gpt2 } from '../kernel-lib/model/gpt2.ts';
import { parseGpt2Config } from '../kernel-lib/model/gpt2-config.ts';
import { loadModel } from '../kernel-lib/model/load-model.ts';
import type { LanguageModel } from '../kernel-lib/model/types.ts';
import { applyPlan } from '../kernel-lib/prune/apply-plan.ts';
import { flopsPerToken } from '../kernel-lib/prune/measure-cost.ts';
import { exportOnnx } from '../kernel-lib/engine/export-onnx.ts';
import { openOnnxDecoder, onnxFilePerplexity } from '../kernel-lib/engine/onnx-file.ts';
import { loadCorpus } from '../kernel-lib/data/corpora.ts';
import { loadTokenizer } from '../kernel-lib/tokenizer/load-tokenizer.ts';
import { ortThreads } from '../kernel-lib/runtime/engine-env.ts';
import { resultsDir, writeFileAtomic } from '../kernel-lib/runtime/files.ts';
import { median } from './case.ts';

const quick = process.argv.includes('--quick');
const FRACTION = 0.47, T = 128;

function randomSmall(): LanguageModel {
  const config = parseGpt2Config({ model_type: 'gpt2', vocab_size: 50257, n_positions: 1024, n_embd: 768, n_layer: 12, n_head: 12, bos_token_id: 50256, eos_token_id: 50256 }, 'table');
  const params = new Map<string, tf.Variable>();
  for (const [n, t] of gpt2.initParams(config, 1)) { params.set(n, tf.variable(t, false, `table/${n}`)); t.dispose(); }
  return { family: 'gpt2', config, params };
}

/** Removes round(FRACTION * total) heads and neurons, spread over the layers (uneven remainders). */
function prune47(m: LanguageModel): LanguageModel {
  const groups = gpt2.groups(m as never);
  const plan = (kind: 'heads' | 'mlp') => {
    const gs = groups.filter((g) => g.kind === kind);
    const total = gs.reduce((s, g) => s + g.count, 0);
    let remove = Math.round(FRACTION * total);
    return gs.map((g, k) => {
      const r = Math.min(g.count - 1, Math.round(remove / (gs.length - k)));
      remove -= r;
      const keepN = g.count - r;
      return { kind, layer: g.layer, count: g.count, keep: Array.from({ length: keepN }, (_, j) => Math.floor((j * g.count) / keepN)), scores: [] };
    });
  };
  return applyPlan(m, { family: 'gpt2', criterion: 'manual', selection: 'uniform-spread', groups: [...plan('heads'), ...plan('mlp')] });
}

/** Median ms of one forward per file at batch B, the files timed in turn (round robin) so a
 *  change of machine load hits every variant alike. */
function timeFiles(files: readonly string[], B: number, V: number): number[] {
  const ds = files.map((f) => openOnnxDecoder(f));
  const ids = Array.from({ length: B * T }, (_, k) => (k * 7919 + 11) % V);
  for (const d of ds) d.run(ids, null, B);
  const times = files.map((): number[] => []);
  for (let r = 0; r < (quick ? 2 : 7); r++) {
    ds.forEach((d, k) => { const t0 = performance.now(); d.run(ids, null, B); times[k]!.push(performance.now() - t0); });
  }
  for (const d of ds) d.dispose();
  return times.map(median);
}

await initBackend({ quiet: true });
const tok = loadTokenizer('gpt2');
const stream = loadCorpus('validation').slice(0, 12).flatMap((d) => tok.encode(d.text));
const blocks = Array.from({ length: quick ? 4 : 16 }, (_, k) => stream.slice(k * T, (k + 1) * T));
const tmp = mkdtempSync(join(tmpdir(), 'lab-onnx-table-'));
const rows: (string | number)[][] = [];
for (const [set, make] of [['GPT-2 small shapes (random weights)', async () => randomSmall()], ['mini GPT-2 (models/mini, trained)', () => loadModel('mini')]] as const) {
  const dense = await make();
  const pruned = prune47(dense);
  const variants = [['dense', dense, 'none'], ['pruned 47%', pruned, 'none'], ['pruned 47% + int8', pruned, 'int8']] as const;
  const outs = variants.map(([variant, model, quantize]) => exportOnnx(model, join(tmp, `${set.split(' ')[0]}-${variant.replace(/\W+/g, '-')}`), { quantize }));
  const V = dense.config.vocabSize;
  const ms1 = timeFiles(outs.map((o) => o.modelFile), 1, V), ms8 = timeFiles(outs.map((o) => o.modelFile), 8, V);
  const flops0 = flopsPerToken(dense, T).total;
  variants.forEach(([variant, model], k) => {
    const flops = flopsPerToken(model, T).total;
    const ppl = onnxFilePerplexity(outs[k]!.modelFile, blocks).perplexity;
    rows.push([set, variant, (outs[k]!.bytes / 2 ** 20).toFixed(1), (outs[k]!.bytes / outs[0]!.bytes).toFixed(3), (flops / 1e6).toFixed(1), (flops0 / flops).toFixed(2),
      ms1[k]!.toFixed(1), (ms1[0]! / ms1[k]!).toFixed(2), ms8[k]!.toFixed(1), (ms8[0]! / ms8[k]!).toFixed(2), ppl.toFixed(2)]);
    console.error(rows.at(-1)!.join(' | '));
  });
}
const header = ['models', 'variant', 'size MiB', 'size / dense', 'MFLOP/token', 'FLOP ratio', 'batch 1 ms', 'speed-up b1', 'batch 8 ms', 'speed-up b8', 'perplexity'];
const note = `ONNX Runtime ${ortThreads()} threads, ${T} tokens per row, median of ${quick ? 2 : 7} round-robin runs; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${new Date().toISOString().slice(0, 10)}`;
const dir = join(resultsDir(), 'tables');
writeFileAtomic(join(dir, 'onnx-latency.csv'), [header, ...rows].map((r) => r.map((c) => (String(c).includes(',') ? `"${c}"` : c)).join(',')).join('\n') + '\n');
writeFileAtomic(join(dir, 'onnx-latency.md'), `| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n\n${note}\n`);
console.log(`wrote ${join(dir, 'onnx-latency.md')} (${note})`);
