/**
 * `lab info MODEL [--revision R] [--json]`: what a checkpoint holds, from config.json and the
 * safetensors headers only (no tensor data is read, so it works for models larger than the backend):
 * family, parameter counts (total, embeddings, per layer), per-layer heads and MLP width, tensor
 * shapes and stored dtypes, and the tfjs backend that would run it.
 * JSON shape (stable): { model, dir, family, weights, dtypes, backend, config, parameters:
 *   { total, embeddings, nonEmbedding }, layers: [{ layer, parameters, heads, mlpWidth }],
 *   tensors: [{ name, shape, dtype }], flopsPerToken: { blocks, attention, head, total },
 *   cost?: { parameters, flopsPerToken, weightBytes, latency: [{ batch, seqLen, ms, tokensPerSecond, peakBytes }] } (with --cost) }
 */
import { parseArgs } from 'node:util';
import { parseEngine } from '../runtime/engine-env.ts';
import type * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../runtime/backend.ts';
import { inspectCheckpoint, resolveModelDir, type CheckpointInfo } from '../model/load-model.ts';
import { parameterRole } from '../prune/count-parameters.ts';
import { flopsPerToken, measureCost, type FlopsPerToken, type ModelCost } from '../prune/measure-cost.ts';
import { loadModel } from '../model/load-model.ts';
import type { LanguageModel } from '../model/types.ts';
import { disposeModel } from '../model/dispose-model.ts';

export const summary = 'family, parameter counts, per-layer heads / MLP width, tensor shapes, dtype, backend of a model';

const LAYER = /(?:^|\.)(?:h|layers)\.(\d+)\./;

export interface ModelInfo {
  readonly model: string;
  readonly dir: string;
  readonly family: string;
  readonly weights: string;
  readonly dtypes: string[];
  readonly backend: { readonly choice: string; readonly reason: string };
  readonly config: { vocabSize: number; maxPositions: number; hiddenSize: number; numLayers: number; numHeads: number };
  readonly parameters: { total: number; embeddings: number; nonEmbedding: number };
  readonly layers: { layer: number; parameters: number; heads: number | null; mlpWidth: number | null }[];
  readonly tensors: { name: string; shape: readonly number[]; dtype: string }[];
  /** Forward FLOPs per token at a 128-token context (closed form from the shapes). */
  readonly flopsPerToken: FlopsPerToken;
  /** With --cost: measured forward latency (batch 1 and 8, 128 tokens) and peak tensor memory. */
  readonly cost?: ModelCost;
}

/** Summary of an inspected checkpoint (groups() is given shapes only: it reads tensor shapes, per the Family contract). */
export function describeCheckpoint(model: string, info: CheckpointInfo, backend: { choice: string; reason: string }): ModelInfo {
  const numel = (s: readonly number[]): number => s.reduce((a, d) => a * d, 1);
  let total = 0, embeddings = 0;
  const perLayer = new Map<number, number>();
  for (const [name, shape] of info.shapes) {
    const n = numel(shape);
    total += n;
    if (parameterRole(name) === 'embeddings') embeddings += n;
    const m = LAYER.exec(name);
    if (m) perLayer.set(Number(m[1]), (perLayer.get(Number(m[1])) ?? 0) + n);
  }
  const shapeOnly = new Map([...info.shapes].map(([k, s]) => [k, { shape: [...s], size: numel(s), rank: s.length } as unknown as tf.Variable]));
  const stand: LanguageModel = { family: info.family.name, config: info.config, params: shapeOnly };
  const heads = new Map<number, number>(), mlp = new Map<number, number>();
  for (const g of info.family.groups(stand)) (g.kind === 'heads' ? heads : mlp).set(g.layer, g.count);
  const c = info.config;
  return {
    model, dir: info.dir, family: info.family.name, weights: info.source,
    dtypes: [...new Set(info.dtypes.values())].sort(), backend,
    config: { vocabSize: c.vocabSize, maxPositions: c.maxPositions, hiddenSize: c.hiddenSize, numLayers: c.numLayers, numHeads: c.numHeads },
    parameters: { total, embeddings, nonEmbedding: total - embeddings },
    layers: Array.from({ length: c.numLayers }, (_, i) => ({ layer: i, parameters: perLayer.get(i) ?? 0, heads: heads.get(i) ?? null, mlpWidth: mlp.get(i) ?? null })),
    tensors: [...new Set([...info.family.paramShapes(info.config).keys(), ...info.shapes.keys()])]     // the family's order
      .filter((name) => info.shapes.has(name))
      .map((name) => ({ name, shape: info.shapes.get(name)!, dtype: info.dtypes.get(name)! })),
    flopsPerToken: flopsPerToken(stand, Math.min(128, c.maxPositions)),
  };
}

function printTable(i: ModelInfo): void {
  const fmt = (n: number): string => n.toLocaleString('en-US');
  console.log(`model      ${i.model}\nfolder     ${i.dir}\nfamily     ${i.family}\nweights    ${i.weights} (${i.dtypes.join(', ')})\nbackend    ${i.backend.choice} (${i.backend.reason})`);
  console.log(`config     V=${i.config.vocabSize} positions=${i.config.maxPositions} C=${i.config.hiddenSize} L=${i.config.numLayers} H=${i.config.numHeads}`);
  console.log(`parameters total ${fmt(i.parameters.total)} | embeddings ${fmt(i.parameters.embeddings)} | non-embedding ${fmt(i.parameters.nonEmbedding)}\n`);
  console.log('layer  parameters  heads  mlp width');
  for (const l of i.layers) console.log(`${String(l.layer).padStart(5)}  ${fmt(l.parameters).padStart(10)}  ${String(l.heads ?? '-').padStart(5)}  ${String(l.mlpWidth ?? '-').padStart(9)}`);
  const f = i.flopsPerToken;
  console.log(`\nforward FLOPs/token at 128 tokens: ${fmt(f.total)} (blocks ${fmt(f.blocks)}, attention ${fmt(f.attention)}, head ${fmt(f.head)})`);
  for (const l of i.cost?.latency ?? []) console.log(`latency batch ${l.batch} x ${l.seqLen}: ${l.ms.toFixed(1)} ms (${l.tokensPerSecond.toFixed(0)} tok/s), peak tensor memory ${(l.peakBytes / 2 ** 20).toFixed(0)} MiB`);
  console.log('\ntensor'.padEnd(48) + 'shape'.padEnd(20) + 'dtype');
  for (const t of i.tensors) console.log(t.name.padEnd(47) + `[${t.shape.join(', ')}]`.padEnd(20) + t.dtype);
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, cost: { type: 'boolean', default: false }, revision: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false },
      engine: { type: 'string' } },
  });
  if (values.help || positionals.length !== 1) {
    console.log('usage: lab info MODEL [--revision R] [--json] [--cost] [--engine ort|tfjs]\n  --cost: also load the model and time forward passes (batch 1 and 8, 128 tokens) and their peak memory\n  MODEL: a folder (config.json + model.safetensors), a hub id (gpt2, allenai/OLMo-1B-hf) or mini');
    return values.help ? 0 : 2;
  }
  const model = positionals[0]!;
  const dir = await resolveModelDir(model, values.revision);
  const info = inspectCheckpoint(dir);
  const b = await initBackend({ quiet: true });
  let out = describeCheckpoint(model, info, { choice: b.choice, reason: b.reason });
  if (values.cost) {
    const m = await loadModel(dir);
    out = { ...out, cost: await measureCost(m, { seqLen: 128, batches: [1, 8], ...(values.engine === undefined ? {} : { engine: parseEngine(values.engine, '--engine') }) }) };
    disposeModel(m);
  }
  if (values.json) console.log(JSON.stringify(out, null, 2)); else printTable(out);
  return 0;
}
