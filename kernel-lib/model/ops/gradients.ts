/**
 * Gradients of the tfjs kernels the model forwards use, registered once on import.
 *
 * tfjs-core registers no gradients itself (the `@tensorflow/tfjs` umbrella imports
 * `dist/register_all_gradients`, whose ESM files cannot be loaded by Node: extensionless and
 * directory imports). These are the standard derivatives, written here; broadcasting is undone
 * by summing over the broadcast axes. Kernels that already have a gradient are left alone.
 */
import * as tf from '@tensorflow/tfjs-core';

type G = tf.Tensor;

/** Sum dy over the axes where `shape` was broadcast, back to `shape`. */
function unbroadcast(dy: G, shape: readonly number[]): G {
  const axes = tf.broadcast_util.getReductionAxes([...shape], dy.shape);
  const r = axes.length ? tf.sum(dy, axes) : dy;
  return tf.reshape(r, [...shape]);
}

function axesOf(attr: unknown, rank: number): number[] {
  return tf.util.parseAxisParam(attr as number | number[], Array.from({ length: rank }, () => 1));
}

/** dy broadcast back over reduced `axes` of an input of `shape`. */
function expandReduced(dy: G, shape: readonly number[], axes: number[]): G {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return tf.mul(tf.reshape(dy, kept), tf.ones([...shape]));
}

const configs: tf.GradConfig[] = [
  { kernelName: 'Add', inputsToSave: ['a', 'b'], gradFunc: (dy, [a, b]) => ({ a: () => unbroadcast(dy as G, a!.shape), b: () => unbroadcast(dy as G, b!.shape) }) },
  { kernelName: 'Sub', inputsToSave: ['a', 'b'], gradFunc: (dy, [a, b]) => ({ a: () => unbroadcast(dy as G, a!.shape), b: () => unbroadcast(tf.neg(dy as G), b!.shape) }) },
  { kernelName: 'Multiply', inputsToSave: ['a', 'b'], gradFunc: (dy, [a, b]) => ({
    a: () => unbroadcast(tf.mul(dy as G, tf.cast(b!, 'float32')), a!.shape),
    b: () => unbroadcast(tf.mul(dy as G, tf.cast(a!, 'float32')), b!.shape) }) },
  { kernelName: 'RealDiv', inputsToSave: ['a', 'b'], gradFunc: (dy, [a, b]) => ({
    a: () => unbroadcast(tf.div(dy as G, b!), a!.shape),
    b: () => unbroadcast(tf.neg(tf.div(tf.mul(dy as G, a!), tf.square(b!))), b!.shape) }) },
  { kernelName: 'Neg', gradFunc: (dy) => ({ x: () => tf.neg(dy as G) }) },
  { kernelName: 'Square', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as G, tf.mul(x!, 2)) }) },
  { kernelName: 'Rsqrt', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as G, tf.mul(tf.pow(x!, -1.5), -0.5)) }) },
  { kernelName: 'Sqrt', outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.div(dy as G, tf.mul(y!, 2)) }) },
  { kernelName: 'Exp', outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as G, y!) }) },
  { kernelName: 'Log', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.div(dy as G, x!) }) },
  { kernelName: 'Sigmoid', outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as G, tf.mul(y!, tf.sub(1, y!))) }) },
  { kernelName: 'Tanh', outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as G, tf.sub(1, tf.square(y!))) }) },
  { kernelName: 'Softmax', outputsToSave: [true], gradFunc: (dy, [y], attrs) => {
    const dim = (attrs as { dim: number }).dim;
    return { logits: () => { const p = tf.mul(dy as G, y!); return tf.sub(p, tf.mul(tf.sum(p, dim, true), y!)); } };
  } },
  { kernelName: 'Sum', inputsToSave: ['x'], gradFunc: (dy, [x], attrs) => ({ x: () => expandReduced(dy as G, x!.shape, axesOf((attrs as { axis: unknown }).axis, x!.rank)) }) },
  { kernelName: 'Mean', inputsToSave: ['x'], gradFunc: (dy, [x], attrs) => {
    const axes = axesOf((attrs as { axis: unknown }).axis, x!.rank);
    const n = axes.reduce((s, a) => s * x!.shape[a]!, 1);
    return { x: () => tf.div(expandReduced(dy as G, x!.shape, axes), n) };
  } },
  { kernelName: 'Reshape', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.reshape(dy as G, x!.shape) }) },
  { kernelName: 'Cast', gradFunc: (dy) => ({ x: () => tf.clone(dy as G) }) },
  { kernelName: 'Identity', gradFunc: (dy) => ({ x: () => tf.clone(dy as G) }) },
  { kernelName: 'Transpose', gradFunc: (dy, _s, attrs) => {
    const perm = (attrs as { perm: number[] }).perm;
    const inv = perm.map((_, i) => perm.indexOf(i));
    return { x: () => tf.transpose(dy as G, inv) };
  } },
  { kernelName: 'Slice', inputsToSave: ['x'], gradFunc: (dy, [x], attrs) => {
    const { begin, size } = attrs as unknown as { begin: number[]; size: number[] };
    const d = dy as G;
    const pads = x!.shape.map((n, i) => [begin[i]!, n - begin[i]! - (size[i] === -1 ? n - begin[i]! : d.shape[i]!)] as [number, number]);
    return { x: () => tf.pad(d, pads) };
  } },
  { kernelName: 'Concat', saveAllInputs: true, gradFunc: (dy, saved, attrs) => {
    const axis = tf.util.parseAxisParam((attrs as { axis: number }).axis, saved[0]!.shape)[0]!;
    const d = dy as G;
    let at = 0;
    const out: Record<string, () => G> = {};
    saved.forEach((s, i) => {
      const begin = d.shape.map((_, k) => (k === axis ? at : 0));
      const size = d.shape.map((n, k) => (k === axis ? s.shape[axis]! : n));
      at += s.shape[axis]!;
      out[i] = () => tf.slice(d, begin, size);
    });
    return out;
  } },
];

for (const c of configs) if (!tf.getGradient(c.kernelName)) tf.registerGradient(c);
