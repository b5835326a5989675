/**
 * `lab info MODEL [--revision R] [--json]`: what a checkpoint holds, from config.json and the
 * safetensors headers only (no tensor data is read, so it works for models larger than the backend):
 * family, parameter counts (total, embeddings, per layer), per-layer query / key-value heads and MLP width, tensor
 * shapes and stored dtypes, and the tfjs backend that would run it.
 * JSON shape (stable): { model, dir, family, weights, dtypes, backend, config: { vocabSize,
 *   maxPositions, hiddenSize, numLayers, numHeads, numKeyValueHeads, headDim }, parameters:
 *   { total, embeddings, nonEmbedding }, layers: [{ layer, parameters, heads, kvHeads, mlpWidth }]
 *   (heads: query heads H_l; kvHeads: key/value heads K_l, fewer than H_l with grouped-query attention),
 *   tensors: [{ name, shape, dtype }], flopsPerToken: { blocks, attention, head, total },
 *   cost?: { parameters, flopsPerToken, weightBytes, latency: [{ batch, seqLen, ms, tokensPerSecond, peakBytes }] } (with --cost) }
 */
import { parseEngine } from '../runtime/engine-env.ts';
import { initBackend } from '../runtime/backend.ts';
import { inspectCheckpoint, resolveModelDir, type CheckpointInfo } from '../model/load-model.ts';
import { parameterRole } from '../prune/count-parameters.ts';
import { flopsPerToken, measureCost, type FlopsPerToken, type ModelCost } from '../prune/measure-cost.ts';
import { loadModel } from '../model/load-model.ts';
import { shapesOnly } from '../model/param-values.ts';
import type { BaseConfig } from '../model/types.ts';
import { disposeModel } from '../model/dispose-model.ts';
import { helpText, parseCommand, type CommandSpec } from './args.ts';
import { applyOrtProviders, ortProvidersFlag } from './ort-providers-flag.ts';

export const summary = 'family, parameter counts, per-layer heads / MLP width, tensor shapes, dtype, backend of a model';

export const spec = {
  name: 'lab info',
  usage: 'MODEL [--json] [--cost] [--revision R]',
  description: 'What a checkpoint holds, from config.json and the safetensors headers only (no tensor data is read).\n'
    + 'MODEL: a folder (config.json + model.safetensors), a GGUF file, a hub id (gpt2, allenai/OLMo-1B-hf), or a mini id (mini-bpe, mini-olmo-bpe, mini, mini-olmo).',
  positionals: { min: 1, max: 1, names: ['MODEL'] },
  flags: {
    json: { type: 'boolean', help: 'print the JSON shape documented in kernel-lib/cli/info.ts' },
    cost: { type: 'boolean', help: 'also load the model and time forward passes (batch 1 and 8, 128 tokens) and their peak memory' },
    revision: { type: 'string', value: 'R', help: 'hub revision of MODEL' },
    engine: { type: 'string', value: 'ort|tfjs', help: 'forward-pass engine (default ort when onnxruntime-node loads, else tfjs)' },
    'ort-providers': ortProvidersFlag,
  },
} as const satisfies CommandSpec;

/**
 * `H=4`, `H=8 K=4` (query and key/value heads, K shown when grouped-query attention makes it
 * differ), or the per-layer counts read from the tensors when pruning changed them (config.json
 * keeps the unpruned numbers).
 */
export function headsText(i: ModelInfo): string {
  const { numHeads: H, numKeyValueHeads: K, headDim } = i.config;
  const both = (h: string, k: string) => (h === k ? `H=${h}` : `H=${h} K=${k}`);
  const per = i.layers.map((l) => l.heads), kvPer = i.layers.map((l) => l.kvHeads);
  if (per.some((h) => h === null) || kvPer.some((k) => k === null)) return both(String(H), String(K));
  const same = (xs: (number | null)[]) => xs.every((x) => x === xs[0]);
  const uniform = same(per) && same(kvPer);
  if (uniform && per[0] === H && kvPer[0] === K) return both(String(H), String(K));
  const text = (xs: (number | null)[]) => (same(xs) ? String(xs[0]) : xs.join('/'));
  const says = K === H ? `${H}` : `${H} (K=${K})`;
  return `${both(text(per), text(kvPer))} per layer (from the tensors; config.json says ${says} of head size ${headDim})`;
}

const LAYER = /(?:^|\.)(?:h|layers)\.(\d+)\./;

export interface ModelInfo {
  readonly model: string;
  readonly dir: string;
  readonly family: string;
  readonly weights: string;
  readonly dtypes: string[];
  readonly backend: { readonly choice: string; readonly reason: string };
  /** numHeads H and numKeyValueHeads K of an unpruned layer (K = H without grouped-query attention), head size D. */
  readonly config: { vocabSize: number; maxPositions: number; hiddenSize: number; numLayers: number; numHeads: number; numKeyValueHeads: number; headDim: number };
  readonly parameters: { total: number; embeddings: number; nonEmbedding: number };
  /** Per layer: parameters, query heads H_l, key/value heads K_l and MLP width F_l, from the tensors. */
  readonly layers: { layer: number; parameters: number; heads: number | null; kvHeads: number | null; mlpWidth: number | null }[];
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
  const stand = shapesOnly({ family: info.family.name, config: info.config }, info.shapes);
  const mlp = new Map<number, number>();
  for (const g of info.family.groups(stand)) if (g.kind === 'mlp') mlp.set(g.layer, g.count);
  const heads = info.family.layerHeads(info.config, info.shapes);
  const c = info.config as BaseConfig & { numKeyValueHeads?: number; headDim?: number };
  return {
    model, dir: info.dir, family: info.family.name, weights: info.source,
    dtypes: [...new Set(info.dtypes.values())].sort(), backend,
    config: {
      vocabSize: c.vocabSize, maxPositions: c.maxPositions, hiddenSize: c.hiddenSize, numLayers: c.numLayers, numHeads: c.numHeads,
      numKeyValueHeads: c.numKeyValueHeads ?? c.numHeads, headDim: c.headDim ?? c.hiddenSize / c.numHeads,
    },
    parameters: { total, embeddings, nonEmbedding: total - embeddings },
    layers: Array.from({ length: c.numLayers }, (_, i) => ({
      layer: i, parameters: perLayer.get(i) ?? 0, heads: heads[i]?.heads ?? null, kvHeads: heads[i]?.kvHeads ?? null, mlpWidth: mlp.get(i) ?? null,
    })),
    tensors: [...new Set([...info.family.paramShapes(info.config).keys(), ...info.shapes.keys()])]     // the family's order
      .filter((name) => info.shapes.has(name))
      .map((name) => ({ name, shape: info.shapes.get(name)!, dtype: info.dtypes.get(name)! })),
    flopsPerToken: flopsPerToken(stand, Math.min(128, c.maxPositions)),
  };
}

function printTable(i: ModelInfo): void {
  const fmt = (n: number): string => n.toLocaleString('en-US');
  console.log(`model      ${i.model}\nfolder     ${i.dir}\nfamily     ${i.family}\nweights    ${i.weights} (${i.dtypes.join(', ')})\nbackend    ${i.backend.choice} (${i.backend.reason})`);
  console.log(`config     V=${i.config.vocabSize} positions=${i.config.maxPositions} C=${i.config.hiddenSize} L=${i.config.numLayers} ${headsText(i)}`);
  console.log(`parameters total ${fmt(i.parameters.total)} | embeddings ${fmt(i.parameters.embeddings)} | non-embedding ${fmt(i.parameters.nonEmbedding)}\n`);
  console.log('layer  parameters  heads  kv heads  mlp width');
  for (const l of i.layers) console.log(`${String(l.layer).padStart(5)}  ${fmt(l.parameters).padStart(10)}  ${String(l.heads ?? '-').padStart(5)}  ${String(l.kvHeads ?? '-').padStart(8)}  ${String(l.mlpWidth ?? '-').padStart(9)}`);
  const f = i.flopsPerToken;
  console.log(`\nforward FLOPs/token at 128 tokens: ${fmt(f.total)} (blocks ${fmt(f.blocks)}, attention ${fmt(f.attention)}, head ${fmt(f.head)})`);
  for (const l of i.cost?.latency ?? []) console.log(`latency batch ${l.batch} x ${l.seqLen}: ${l.ms.toFixed(1)} ms (${l.tokensPerSecond.toFixed(0)} tok/s), peak tensor memory ${(l.peakBytes / 2 ** 20).toFixed(0)} MiB`);
  console.log('\ntensor'.padEnd(48) + 'shape'.padEnd(20) + 'dtype');
  for (const t of i.tensors) console.log(t.name.padEnd(47) + `[${t.shape.join(', ')}]`.padEnd(20) + t.dtype);
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (!parsed) { console.log(helpText(spec)); return 0; }
  const { values, positionals } = parsed;
  applyOrtProviders(values['ort-providers']);
  const model = positionals[0]!;
  const dir = await resolveModelDir(model, values.revision);
  const info = inspectCheckpoint(dir);
  const b = await initBackend({ quiet: true });
  let out = describeCheckpoint(model, info, { choice: b.choice, reason: b.reason });
  if (values.cost) {
    console.error('[info] --cost: loading the model and timing forward passes (a few seconds)');
    const m = await loadModel(dir);
    out = { ...out, cost: await measureCost(m, { seqLen: 128, batches: [1, 8], ...(values.engine === undefined ? {} : { engine: parseEngine(values.engine, '--engine') }) }) };
    disposeModel(m);
  }
  if (values.json) console.log(JSON.stringify(out, null, 2)); else printTable(out);
  return 0;
}
