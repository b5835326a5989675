/**
 * The training graph of a model for one micro-batch shape [B, T]: the family's decoder (the same
 * description the inference graphs use, engine/onnx-*.ts) with the parameters as float32 graph
 * inputs, the loss head (loss-head.ts) and the reverse pass (reverse-pass.ts), in one ONNX graph:
 *   inputs  ids [B, T] int64; rows, targets [M] int64; weights [M] float32; every parameter used
 *   outputs loss (the summed, weighted next-token cross-entropy) and grad.<name> per parameter
 * With `lossOnly` the graph stops at the loss (validation: no reverse pass, no grad outputs).
 * Positions are 0..T-1 and the causal bias a constant [1, 1, T, T] (0 where key s <= query t,
 * -1e9 elsewhere, as the inference graphs). Without `dropout` the graph is in evaluation mode;
 * with it, every place the config drops values reads a bool keep-mask input (dropout-masks.ts),
 * listed in `masks`, which the caller fills per micro-batch.
 */
import type { LanguageModel } from '../../model/types.ts';
import { OnnxGraph } from '../onnx-graph.ts';
import type { OnnxFamily } from '../onnx-family.ts';
import { paramShape, weightInit } from '../weights.ts';
import { addLoss, addLossHead } from './loss-head.ts';
import { addReversePass, type Segment } from './reverse-pass.ts';
import { dropoutHook, type DropoutMask } from './dropout-masks.ts';

/** Inputs of the training graph that are not parameters. */
export const BATCH_INPUTS = ['ids', 'rows', 'targets', 'weights'] as const;

export interface TrainGraph {
  readonly graph: OnnxGraph;
  /** The parameters that are graph inputs (each has an output grad.<name>, unless the graph is loss-only), with their shapes. */
  readonly params: ReadonlyMap<string, readonly number[]>;
  /** The dropout mask inputs (empty without `dropout`, or when the config's rates are all 0). */
  readonly masks: readonly DropoutMask[];
}

export function buildTrainGraph(model: LanguageModel, fam: OnnxFamily, B: number, T: number, opts: { readonly recompute?: boolean; readonly lossOnly?: boolean; readonly dropout?: boolean } = {}): TrainGraph {
  const g = new OnnxGraph(`${model.family}-${opts.lossOnly ? 'loss' : 'train'}`);
  g.paramInputs = true;
  const C = model.config.hiddenSize;
  const ids = g.input('ids', 'int64', [B, T]);
  const rows = g.input('rows', 'int64', ['rows']);
  const targets = g.input('targets', 'int64', ['rows']);
  const weights = g.input('weights', 'float32', ['rows']);
  const positions = g.int64(Array.from({ length: T }, (_, t) => t), [1, T]);          // [1, T]
  const causal = new Float32Array(T * T);
  for (let t = 0; t < T; t++) for (let s = t + 1; s < T; s++) causal[t * T + s] = -1e9;
  const bias = g.float(Array.from(causal), [1, 1, T, T]);                             // [1, 1, T, T]
  const starts: { from: number; input: string }[] = [];
  const masks: DropoutMask[] = [];
  const h = fam.decoder(model, {
    g, ids, positions, bias, past: () => undefined, present: () => {},
    blockStart: (_l, x) => { starts.push({ from: g.nodeCount(), input: x }); },
    ...(opts.dropout && !opts.lossOnly ? { dropout: dropoutHook(g, B, T, C, masks) } : {}),
  });                                                                                   // [B, T, C]
  const forwardEnd = g.nodeCount();
  const headName = fam.lmHeadParam(model);
  const W = weightInit(g, model, headName);                                            // [V, C]
  const io = { rows, targets, weights };
  const params = (): Map<string, number[]> => new Map([...g.declaredShapes()].flatMap(([n, dims]) => (isParam(model, n) ? [[n, dims as number[]] as [string, number[]]] : [])));
  if (opts.lossOnly) {
    g.output(addLoss(g, h, W, io, B, T, C), 'loss', 'float32', []);
    return { graph: g, params: params(), masks };
  }
  const head = addLossHead(g, h, W, io, B, T, C);
  const ps = params();
  const blocks: Segment[] = starts.map((s, k) => ({ from: s.from, to: starts[k + 1]?.from ?? forwardEnd, input: s.input, output: starts[k + 1]?.input ?? h }));
  const grads = addReversePass(g, { seeds: new Map([[h, head.dh]]), wrt: [...ps.keys()], forwardEnd, blocks, recompute: opts.recompute === true });
  g.output(head.loss, 'loss', 'float32', []);
  for (const [name, dims] of ps) {
    const d = name === headName ? (grads.has(name) ? g.op('Add', [grads.get(name)!, head.dW]) : head.dW) : grads.get(name);
    g.output(d ?? g.op('ConstantOfShape', [g.int64([...dims])]), `grad.${name}`, 'float32', dims);
  }
  return { graph: g, params: ps, masks };
}

function isParam(model: LanguageModel, name: string): boolean {
  return !(BATCH_INPUTS as readonly string[]).includes(name) && paramShape(model, name) !== undefined;
}
