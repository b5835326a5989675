/**
 * The training loss head, forward and backward written out together (its inputs have a dynamic
 * row count M, so it is not left to the generic reverse pass). Only the M scored positions go
 * through the head (at V = 50257 it is most of the work):
 *   hs = rows of h [N, C] at the scored positions        [M, C]
 *   z  = hs W^T                                          [M, V]   (W: output embedding [V, C])
 *   lsm = log_softmax(z)                                 [M, V]
 *   loss = -sum_m w_m lsm_m[target_m]                    scalar   (w: the mask values)
 *   dz = softmax(z) - onehot(target) = exp(lsm) with exp(lsm_t) - 1 at the target
 *   dhs = w (dz W) [M, C];  dW = dz^T (w hs) [V, C];  dh = dhs scattered back to the rows, 0 elsewhere.
 * The row weights w scale the [M, C] operands, never an [M, V] tensor: at most two [M, V]
 * tensors are alive at once (z and lsm, lsm and p, p and dz). LogSoftmax, not ReduceLogSumExp:
 * onnxruntime's CPU ReduceLogSumExp took 10x as long at V = 50257.
 */
import { i, type OnnxGraph } from '../onnx-graph.ts';

export interface LossHead {
  readonly loss: string;   // scalar float32
  readonly dh: string;     // [B, T, C] gradient of the final hidden states
  readonly dW: string;     // [V, C] gradient of the output embedding from the head alone
}

type LossIo = { readonly rows: string; readonly targets: string; readonly weights: string };

/** The forward half: the summed loss and the tensors its gradient reuses. */
function lossForward(g: OnnxGraph, h: string, W: string, io: LossIo, B: number, T: number, C: number) {
  const flat = g.op('Reshape', [h, g.int64([B * T, C])]);                          // [N, C]
  const hs = g.op('Gather', [flat, io.rows], { axis: i(0) });                      // [M, C]
  const z = g.op('Gemm', [hs, W], { transB: i(1) });                               // [M, V]
  const t = g.op('Unsqueeze', [io.targets, g.int64([1])]);                         // [M, 1]
  const w = g.op('Unsqueeze', [io.weights, g.int64([1])]);                         // [M, 1]
  const lsm = g.op('LogSoftmax', [z], { axis: i(1) });                            // [M, V]
  const zt = g.op('GatherElements', [lsm, t], { axis: i(1) });                     // [M, 1] log p(target)
  const loss = g.op('Neg', [g.op('ReduceSum', [g.op('Mul', [zt, w])], { keepdims: i(0) })]);   // scalar
  return { loss, hs, t, w, lsm, zt };
}

/** The loss alone (a validation graph): h [B, T, C], W [V, C], io as addLossHead's. */
export function addLoss(g: OnnxGraph, h: string, W: string, io: LossIo, B: number, T: number, C: number): string {
  return lossForward(g, h, W, io, B, T, C).loss;
}

/** h [B, T, C], W [V, C]; rows [M] int64 (flat b*T + t, distinct), targets [M] int64, weights [M] float32. */
export function addLossHead(g: OnnxGraph, h: string, W: string, io: LossIo, B: number, T: number, C: number): LossHead {
  const { loss, hs, t, w, lsm, zt } = lossForward(g, h, W, io, B, T, C);
  const p = g.op('Exp', [lsm]);                                                    // [M, V] softmax
  const dz = g.op('ScatterElements', [p, t, g.op('Sub', [g.op('Exp', [zt]), g.float([1], [])])], { axis: i(1) });  // softmax - onehot
  const dhs = g.op('Mul', [g.op('MatMul', [dz, W]), w]);                           // [M, C]
  const dW = g.op('Gemm', [dz, g.op('Mul', [hs, w])], { transA: i(1) });          // [V, C]
  const zeros = g.op('ConstantOfShape', [g.int64([B * T, C])]);                    // [N, C]
  const at = g.op('Unsqueeze', [io.rows, g.int64([1])]);                           // [M, 1]
  const dflat = g.op('ScatterND', [zeros, at, dhs]);                               // [N, C]
  const dh = g.op('Reshape', [dflat, g.int64([B, T, C])]);                         // [B, T, C]
  return { loss, dh, dW };
}
