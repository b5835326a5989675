/**
 * AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", 2019) with bias correction,
 * computed as PyTorch's `torch.optim.AdamW` does (single-tensor path), in float32:
 *   w <- w * (1 - lr * wd)                       (decoupled decay, only for decayed tensors)
 *   m <- m + (1 - b1) (g - m) ;  v <- b2 v + (1 - b2) g^2
 *   w <- w - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * The host update runs in the WebAssembly SIMD kernel of adamw-kernel.ts (the exact operation
 * order and rounding are written there).
 *
 * The state (fp32 master weights, m, v, and a gradient buffer per slot) lives in Float32Arrays
 * over the AdamW kernel's own memories, outside the tfjs wasm heap: it is checkpointable as plain
 * bytes, and it is what lets GPT-2 small training fit wasm's 4 GiB (docs/wasm-performance.md,
 * pitfall 8). After an update the variables get NEW tensors (`assign`),
 * never rewritten memory: XNNPACK caches packed copies of weights by tensor id.
 * The state arrays are the optimizer's own and are updated in place; model inputs are not.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Params } from '../model/types.ts';
import { adamwArena, adamwKernel } from './adamw-kernel.ts';

export interface AdamWHyper {
  readonly beta1: number;        // first-moment decay
  readonly beta2: number;        // second-moment decay
  readonly eps: number;          // added to the bias-corrected sqrt(v)
  readonly weightDecay: number;  // decoupled decay coefficient (multiplied by lr)
  readonly noDecay: readonly string[]; // name substrings exempt from decay
}

/** One parameter's optimizer slot: master weights and the two moments, flat, row-major. */
export interface AdamWSlot {
  readonly shape: readonly number[];
  readonly decay: boolean;
  readonly w: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** A gradient buffer in the same AdamW kernel arena as w, m, v (slots made by createAdamW or a
   *  checkpoint have one): an engine that sums gradients into it gets the update in place. */
  readonly grad?: Float32Array;
}

export interface AdamWState {
  readonly hyper: AdamWHyper;
  /** Updates applied so far (t of the bias correction is step + 1 during an update). */
  step: number;
  readonly slots: Map<string, AdamWSlot>;
}

/**
 * The per-family-neutral decay rule: rank-1 tensors (biases, LayerNorm gains/shifts) and names
 * containing any `noDecay` substring (default: token/position embeddings `wte`, `wpe`,
 * `embed_tokens`) are not decayed; every other tensor (matrices) is.
 */
export function decaysWeight(name: string, shape: readonly number[], noDecay: readonly string[]): boolean {
  if (shape.length < 2) return false;
  return !noDecay.some((s) => s.length > 0 && name.includes(s));
}

/** Zeroed slots for tensors of these shapes, each one's w, m, v and grad in an AdamW kernel arena. */
export function allocateSlots(tensors: readonly { readonly name: string; readonly shape: readonly number[]; readonly decay: boolean }[]): Map<string, AdamWSlot> {
  const arrays = adamwArena(tensors.map((t) => Array<number>(4).fill(t.shape.reduce((a, b) => a * b, 1))));
  return new Map(tensors.map((t, k) => {
    const [w, m, v, grad] = arrays[k]! as [Float32Array, Float32Array, Float32Array, Float32Array];
    return [t.name, { shape: t.shape.slice(), decay: t.decay, w, m, v, grad }];
  }));
}

/** A fresh optimizer over `params`: master weights copied out of the variables, zero moments. */
export function createAdamW(params: Params, hyper: AdamWHyper): AdamWState {
  for (const [name, p] of params) if (p.dtype !== 'float32') throw new Error(`AdamW: parameter ${name} has dtype ${p.dtype}, expected float32`);
  const slots = allocateSlots([...params].map(([name, p]) => ({ name, shape: p.shape, decay: decaysWeight(name, p.shape, hyper.noDecay) })));
  for (const [name, p] of params) slots.get(name)!.w.set(p.dataSync() as Float32Array); // a copy: the tensor's data is not ours
  return { hyper, step: 0, slots };
}

/** The scalars of one update (t = step + 1) at `lr`, shared by this file's host update and the device one (adamw-device.ts). */
export interface AdamWScalars {
  readonly b1: number;
  readonly b2: number;
  readonly eps: number;
  readonly stepSize: number;   // lr / (1 - b1^t)
  readonly bc2Sqrt: number;    // sqrt(1 - b2^t)
  readonly decayKeep: number;  // 1 - lr * weightDecay: what a decayed weight is multiplied by first
}

/**
 * One AdamW update of every slot of `state` (host arrays or device tensors): the bias-corrected
 * scalars of update t = step + 1, each slot's gradient looked up and its size checked, then
 * `apply(slot, grad, keep)` with keep = the slot's decay factor (1 when not decayed); step
 * becomes t. Errors name the parameter.
 */
export function adamwUpdate<S extends { readonly decay: boolean }, G>(
  state: { readonly hyper: AdamWHyper; step: number; readonly slots: ReadonlyMap<string, S> },
  grads: ReadonlyMap<string, G>, lr: number, size: { slot(s: S): number; grad(g: G): number },
  apply: (slot: S, grad: G, keep: number, k: AdamWScalars) => void,
): void {
  const { beta1: b1, beta2: b2, eps, weightDecay } = state.hyper;
  const t = state.step + 1;
  const k: AdamWScalars = { b1, b2, eps, stepSize: lr / (1 - Math.pow(b1, t)), bc2Sqrt: Math.sqrt(1 - Math.pow(b2, t)), decayKeep: 1 - lr * weightDecay };
  for (const [name, slot] of state.slots) {
    const g = grads.get(name);
    if (g === undefined) throw new Error(`AdamW: no gradient for parameter ${name}`);
    if (size.grad(g) !== size.slot(slot)) throw new Error(`AdamW: gradient of ${name} has ${size.grad(g)} elements, expected ${size.slot(slot)}`);
    apply(slot, g, slot.decay ? k.decayKeep : 1, k);
  }
  state.step = t;
}

/**
 * One AdamW update of every slot from `grads` (name -> flat gradient), each multiplied by
 * `gradScale` first (mean over target tokens and clipping are folded into it). Every slot must
 * have a gradient of the right length. Updates the state in place; returns nothing.
 */
export function adamwStep(state: AdamWState, grads: ReadonlyMap<string, Float32Array>, lr: number, gradScale = 1): void {
  adamwUpdate(state, grads, lr, { slot: (s) => s.w.length, grad: (g) => g.length }, ({ w, m, v }, g, keep, { b1, b2, eps, stepSize, bc2Sqrt }) => {
    adamwKernel(w, m, v, g, { b1, b2, eps, stepSize, bc2Sqrt, keep, gradScale });
  });
}

/** Assigns the master weights to `params` as new tensors (old tensor memory is released). */
export function writeWeights(state: AdamWState, params: Params): void {
  for (const [name, slot] of state.slots) {
    const p = params.get(name);
    if (!p) throw new Error(`AdamW: the model has no parameter ${name}`);
    // slice(): the cpu backend keeps the given array by reference, and `w` changes next update.
    const t = tf.tensor(slot.w.slice(), slot.shape as number[], 'float32');
    p.assign(t);
    t.dispose(); // the variable now holds its own reference to the data
  }
}
