/**
 * The training loss head, forward and backward written out together (its inputs have a dynamic
 * row count M, so it is not left to the generic reverse pass). Only the M scored positions go
 * through the head (at V = 50257 it is most of the work):
 *   hs = rows of h [N, C] at the scored positions        [M, C]
 *   z  = hs W^T                                          [M, V]   (W: output embedding [V, C])
 *   loss = -sum_m w_m log softmax(z_m)[target_m]         scalar   (w: the mask values, 0 < w)
 *   dz = w_m (softmax(z_m) - onehot(target_m))           [M, V]
 *   dhs = dz W [M, C];  dW = dz^T hs [V, C];  dh = dhs scattered back to the rows, 0 elsewhere.
 */
import { i, type OnnxGraph } from '../onnx-graph.ts';

export interface LossHead {
  readonly loss: string;   // scalar float32
  readonly dh: string;     // [B, T, C] gradient of the final hidden states
  readonly dW: string;     // [V, C] gradient of the output embedding from the head alone
}

/** h [B, T, C], W [V, C]; rows [M] int64 (flat b*T + t, distinct), targets [M] int64, weights [M] float32. */
export function addLossHead(g: OnnxGraph, h: string, W: string, io: { rows: string; targets: string; weights: string }, B: number, T: number, C: number): LossHead {
  const flat = g.op('Reshape', [h, g.int64([B * T, C])]);                          // [N, C]
  const hs = g.op('Gather', [flat, io.rows], { axis: i(0) });                      // [M, C]
  const z = g.op('Gemm', [hs, W], { transB: i(1) });                               // [M, V]
  const lsm = g.op('LogSoftmax', [z], { axis: i(1) });                             // [M, V]
  const t = g.op('Unsqueeze', [io.targets, g.int64([1])]);                         // [M, 1]
  const w = g.op('Unsqueeze', [io.weights, g.int64([1])]);                         // [M, 1]
  const picked = g.op('GatherElements', [lsm, t], { axis: i(1) });                 // [M, 1]
  const loss = g.op('Neg', [g.op('ReduceSum', [g.op('Mul', [picked, w])], { keepdims: i(0) })]);   // scalar
  const p = g.op('Exp', [lsm]);                                                    // [M, V] softmax
  const pt = g.op('GatherElements', [p, t], { axis: i(1) });                       // [M, 1]
  const dz0 = g.op('ScatterElements', [p, t, g.op('Sub', [pt, g.float([1], [])])], { axis: i(1) });  // softmax - onehot
  const dz = g.op('Mul', [dz0, w]);                                                // [M, V]
  const dhs = g.op('MatMul', [dz, W]);                                             // [M, C]
  const dW = g.op('Gemm', [dz, hs], { transA: i(1) });                             // [V, C]
  const zeros = g.op('ConstantOfShape', [g.int64([B * T, C])]);                    // [N, C]
  const at = g.op('Unsqueeze', [io.rows, g.int64([1])]);                           // [M, 1]
  const dflat = g.op('ScatterND', [zeros, at, dhs]);                               // [N, C]
  const dh = g.op('Reshape', [dflat, g.int64([B, T, C])]);                         // [B, T, C]
  return { loss, dh, dW };
}
