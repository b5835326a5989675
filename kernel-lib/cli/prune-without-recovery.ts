/**
 * `lab prune` without recovery for the forward-statistics criteria (flap, wanda-sp, activation) or
 * with `--data FILE|self`: one shot on forward passes only (prune/prune-forward-only.ts), the plan
 * applied on the host and saved tensor by tensor, so models too large for tfjs are pruned too.
 * Writes OUT (the model folder) and OUT/prune_summary.json (config, data, widths, score
 * distributions, compensation norms, perplexities, layout and why, times).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../runtime/files.ts';
import { saveModel } from '../model/save-model.ts';
import { saveTokenizer } from '../tokenizer/save-tokenizer.ts';
import { saveGgufTokenizer } from '../tokenizer/save-gguf-tokenizer.ts';
import type { LanguageModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import type { PruneTarget } from '../prune/prune-target.ts';
import { calibrationData, type CalibrationSpec } from '../prune/calibration-data.ts';
import { perplexityOf, pruneForwardOnly } from '../prune/prune-forward-only.ts';
import { criterionNeeds } from '../prune/importance/index.ts';
import { textTable } from './open-model.ts';
import { pairedPerplexity, perplexityEstimate } from '../stats/perplexity-stderr.ts';
import type { BlockLoss } from '../stats/perplexity-stderr.ts';

export interface WithoutRecoveryArgs {
  readonly modelArg: string;
  readonly model: LanguageModel;
  readonly tokenizer: Tokenizer;
  readonly target: PruneTarget;
  readonly data: CalibrationSpec;
  readonly dataArg: string;
  readonly blockSize: number;
  readonly evalBlocks: number;
  readonly out: string;
  readonly layout: 'hf' | 'lab' | 'auto';
  readonly save: { readonly dtype: 'float32' | 'float16'; readonly note: string; readonly tokenizerFiles: readonly string[]; readonly gguf: string | null; readonly inputDir: string };
}

export async function pruneWithoutRecovery(a: WithoutRecoveryArgs): Promise<number> {
  const say = (line: string) => console.error(`[lab] ${line}`);
  const cfg = a.target.config;
  say(`criterion ${cfg.criterion}: ${criterionNeeds.get(cfg.criterion) ?? 'see its file'}; selection ${cfg.selection}; compensation ${cfg.compensation}`);
  const t0 = performance.now();
  const data = await calibrationData(a.data, a.model, a.tokenizer, { blockSize: a.blockSize, samples: cfg.calibrationSamples, evalBlocks: a.evalBlocks, seed: cfg.seed });
  const tData = (performance.now() - t0) / 1000;
  say(`calibration ${a.dataArg}: ${data.calibration.length} sequences of ${data.blockSize + 1} tokens; ${a.evalBlocks > 0 ? `perplexity on ${data.validation.length} held-out blocks` : 'no perplexity (--eval-blocks 0)'}`);
  const r = pruneForwardOnly(a.model, a.target, data, { evaluate: a.evalBlocks > 0 });
  const t1 = performance.now();
  const saved = await saveModel(r.model, a.out, { layout: a.layout, dtype: a.save.dtype, tokenizerFiles: a.save.tokenizerFiles });
  if (a.save.gguf) saveGgufTokenizer(a.save.gguf, a.out);
  else if (!a.save.tokenizerFiles.length) saveTokenizer(a.save.inputDir, a.out);
  const tSave = (performance.now() - t1) / 1000;
  const addedBiases = cfg.compensation === 'bias' && r.plan.biasShifts?.some((s) => !a.model.params.has(s.param));
  const compensationNote = cfg.compensation !== 'bias' ? 'none'
    : addedBiases ? `biases created by compensation; saved in the ${saved.layout} layout (${saved.reason}); --no-compensation keeps the model's own layout`
      : 'folded into the existing output-projection biases';
  const ppl = r.blockLosses ? { base: perplexityOf(r.blockLosses.base), pruned: perplexityOf(r.blockLosses.pruned), blocks: r.blockLosses.base.length,
    tokens: r.blockLosses.base.reduce((x, b) => x + b.tokens, 0), ...intervals(r.blockLosses.base, r.blockLosses.pruned) } : null;
  writeJsonAtomic(join(a.out, 'prune_summary.json'), {
    model: a.modelArg, flow: 'forward-only (no recovery)', config: cfg, data: { spec: a.dataArg, calibration: data.calibration.length, blockSize: data.blockSize, evalBlocks: data.validation.length },
    parameters: r.parameters, sparsity: r.sparsity, perplexity: ppl, plan: r.summary, compensation: compensationNote,
    saved: { layout: saved.layout, reason: saved.reason, dtype: a.save.note },
    seconds: { data: tData, ...r.seconds, save: tSave },
  });
  const f = (x: number) => x.toFixed(3);
  console.log(textTable(['kind', 'kept per layer'], Object.entries(r.summary.kept).map(([k, v]) => [k, v.join(' ')])));
  console.log(`parameters ${r.parameters.before.total} -> ${r.parameters.after.total}; sparsity total ${f(r.sparsity.total)}, non-embedding ${f(r.sparsity.nonEmbedding)}, pruned units ${f(r.sparsity.pruned)}`);
  if (ppl) {
    const ci = (x: readonly [number, number] | undefined) => (x ? ` [${x[0].toFixed(2)}, ${x[1].toFixed(2)}]` : '');
    console.log(`perplexity ${ppl.base.toFixed(2)}${ci(ppl.baseCi)} -> ${ppl.pruned.toFixed(2)}${ci(ppl.prunedCi)} (${ppl.blocks} held-out blocks, ${ppl.tokens} tokens, ${a.dataArg})`
      + (ppl.ratio ? `; pruned / dense ${ppl.ratio.value.toFixed(3)}${ci([ppl.ratio.ciLow, ppl.ratio.ciHigh])} (95% intervals, blocks as the sampling unit)` : ''));
  }
  console.log(`compensation: ${compensationNote}`);
  console.log(`saved ${a.out} (${saved.layout} layout, ${saved.reason}; ${a.save.note}); times: data ${tData.toFixed(1)} s, dense eval ${r.seconds.baseEval.toFixed(1)} s, plan+apply ${r.seconds.plan.toFixed(1)} s, pruned eval ${r.seconds.prunedEval.toFixed(1)} s, save ${tSave.toFixed(1)} s`);
  return existsSync(a.out) ? 0 : 1;
}

/** 95% intervals of both perplexities and of their paired ratio (stats/perplexity-stderr.ts); none with fewer than 2 blocks. */
export function intervals(base: readonly BlockLoss[], pruned: readonly BlockLoss[]) {
  if (base.length < 2) return {};
  const b = perplexityEstimate(base), p = perplexityEstimate(pruned), r = pairedPerplexity(pruned, base);
  return { baseCi: [b.ciLow, b.ciHigh] as const, prunedCi: [p.ciLow, p.ciHigh] as const, ratio: { value: r.ratio, ciLow: r.ciLow, ciHigh: r.ciHigh } };
}
