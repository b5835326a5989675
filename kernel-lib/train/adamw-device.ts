/**
 * AdamW with its state as device tensors: the same update as `adamw.ts` (PyTorch's AdamW,
 * decoupled decay, bias correction), for the native backends (tfjs-node, tfjs-node-gpu), where
 * pulling every gradient to the host and pushing every weight back costs more than the update
 * (OLMo-1B on a GPU: ~4.7 GB each way per update). The weights ARE the model's variables; m and v
 * are variables beside them. The checkpoint format is the host one: `toHostState` reads w, m, v
 * out and `deviceFromHost` puts a loaded (or host-side) state on the device, so either path
 * resumes the other's checkpoints. Arithmetic is float32 on the device (the host loop rounds
 * to float32 at each stored value), so the two paths agree to float32 rounding, not bit for bit.
 */
import * as tf from '@tensorflow/tfjs-core';
import { adamwUpdate, decaysWeight, type AdamWHyper, type AdamWSlot, type AdamWState } from './adamw.ts';
import { normOfSquares } from './clip.ts';

export interface DeviceAdamWSlot {
  readonly decay: boolean;
  readonly w: tf.Variable;   // the model's own variable (same shape as m, v)
  readonly m: tf.Variable;
  readonly v: tf.Variable;
}

export interface DeviceAdamWState {
  readonly hyper: AdamWHyper;
  step: number;
  readonly slots: Map<string, DeviceAdamWSlot>;
}

/** A variable holding `t` (which is disposed: the variable keeps its own reference to the data). */
function own(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t);
  t.dispose();
  return v;
}

/** A fresh device optimizer over `params` (used as the weights, not copied), zero moments. */
export function createDeviceAdamW(params: ReadonlyMap<string, tf.Variable>, hyper: AdamWHyper): DeviceAdamWState {
  const slots = new Map<string, DeviceAdamWSlot>();
  for (const [name, p] of params) {
    if (p.dtype !== 'float32') throw new Error(`AdamW: parameter ${name} has dtype ${p.dtype}, expected float32`);
    slots.set(name, { decay: decaysWeight(name, p.shape, hyper.noDecay), w: p, m: own(tf.zerosLike(p)), v: own(tf.zerosLike(p)) });
  }
  return { hyper, step: 0, slots };
}

/** Puts a host state's moments on the device next to `params` (which must already hold its w). */
export function deviceFromHost(host: AdamWState, params: ReadonlyMap<string, tf.Variable>): DeviceAdamWState {
  const slots = new Map<string, DeviceAdamWSlot>();
  for (const [name, s] of host.slots) {
    const w = params.get(name);
    if (!w) throw new Error(`AdamW: the model has no parameter ${name}`);
    const shape = s.shape as number[];
    slots.set(name, { decay: s.decay, w, m: own(tf.tensor(s.m, shape, 'float32')), v: own(tf.tensor(s.v, shape, 'float32')) });
  }
  return { hyper: host.hyper, step: host.step, slots };
}

/** The state as host arrays (copies), in the layout `checkpoint.ts` saves. */
export function toHostState(state: DeviceAdamWState): AdamWState {
  const slots = new Map<string, AdamWSlot>();
  for (const [name, s] of state.slots) {
    const copy = (t: tf.Variable): Float32Array => new Float32Array(t.dataSync() as Float32Array);
    slots.set(name, { shape: s.w.shape.slice(), decay: s.decay, w: copy(s.w), m: copy(s.m), v: copy(s.v) });
  }
  return { hyper: state.hyper, step: state.step, slots };
}

/**
 * One AdamW update from device gradients (name -> tensor of the parameter's shape), each
 * multiplied by `gradScale` first. The gradients are not disposed (the caller owns them).
 */
export function deviceAdamwStep(state: DeviceAdamWState, grads: ReadonlyMap<string, tf.Tensor>, lr: number, gradScale = 1): void {
  adamwUpdate(state, grads, lr, { slot: (s) => s.w.size, grad: (g) => g.size }, (s, g, keep, { b1, b2, eps, stepSize, bc2Sqrt }) => {
    tf.tidy(() => {
      const gs = tf.mul(tf.reshape(g, s.w.shape), gradScale);                          // [shape]
      const m = tf.add(tf.mul(s.m, b1), tf.mul(gs, 1 - b1));
      const v = tf.add(tf.mul(s.v, b2), tf.mul(tf.square(gs), 1 - b2));
      const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), eps);
      const w = tf.sub(keep === 1 ? s.w : tf.mul(s.w, keep), tf.div(tf.mul(m, stepSize), denom));
      // New tensors, never rewritten memory (XNNPACK caches packed weights by tensor id).
      s.m.assign(m); s.v.assign(v); s.w.assign(w);
    });
  });
}

/** Sum of squares of all device gradients, summed on the device in float32 (one scalar read). */
export function deviceSumSquares(grads: Iterable<tf.Tensor>): number {
  const sq = tf.tidy(() => tf.addN([tf.scalar(0), ...[...grads].map((g) => tf.sum(tf.square(g)))]));
  const v = sq.dataSync()[0]!;
  sq.dispose();
  return v;
}

/** L2 norm of all device gradients concatenated, times |scale| (one scalar read). */
export function deviceGlobalNorm(grads: Iterable<tf.Tensor>, scale = 1): number {
  return normOfSquares(deviceSumSquares(grads), scale);
}
