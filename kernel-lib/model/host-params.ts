/**
 * Parameters left where they are stored (safetensors files or shards, a GGUF file) and read one
 * tensor at a time, in their stored dtype, when an engine asks for them. Forward-only work
 * (ONNX Runtime graphs, fingerprints, shapes) reads through `tensor(name)` and never creates a tfjs
 * tensor; the first tfjs use (`get`, iteration: training, gradient criteria, the tfjs engine)
 * turns every parameter into a float32 tf.Variable at once, after checking that the backend can
 * hold them, and from then on the variables are the truth (training assigns them in place).
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendInfo } from '../runtime/backend.ts';

export type StoredDtype = 'F32' | 'F16' | 'BF16';

/** One stored parameter: shape and stored dtype without reading data; values read on demand. */
export interface HostTensor {
  readonly shape: readonly number[];
  readonly dtype: StoredDtype;
  /** The values widened to float32 (exact for F16/BF16); a fresh array on each call. */
  float32(): Float32Array;
}

const gib = (b: number) => (b / 2 ** 30).toFixed(2);

export class HostParams implements ReadonlyMap<string, tf.Variable> {
  private vars: Map<string, tf.Variable> | null = null;

  /** `source` names the weights (file or index) in errors. */
  constructor(private readonly tensors: ReadonlyMap<string, HostTensor>, readonly source: string) {}

  get size(): number { return this.tensors.size; }
  has(name: string): boolean { return this.tensors.has(name); }
  keys(): IterableIterator<string> { return this.tensors.keys(); }

  /** Whether the parameters have become tf.Variables (see the file comment). */
  get materialized(): boolean { return this.vars !== null; }

  /** The stored tensor of `name` (undefined when absent), without reading its data. */
  tensor(name: string): HostTensor | undefined { return this.tensors.get(name); }

  /** Bytes of every parameter widened to float32 (what tfjs would allocate). */
  float32Bytes(): number {
    let n = 0;
    for (const t of this.tensors.values()) n += 4 * t.shape.reduce((a, d) => a * d, 1);
    return n;
  }

  get(name: string): tf.Variable | undefined { return this.variables().get(name); }
  values(): IterableIterator<tf.Variable> { return this.variables().values(); }
  entries(): IterableIterator<[string, tf.Variable]> { return this.variables().entries(); }
  [Symbol.iterator](): IterableIterator<[string, tf.Variable]> { return this.variables()[Symbol.iterator](); }
  forEach(cb: (value: tf.Variable, key: string, map: ReadonlyMap<string, tf.Variable>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.variables()) cb.call(thisArg, v, k, this);
  }

  /** Frees the variables, if they were made; the stored tensors stay readable. */
  dispose(): void {
    if (!this.vars) return;
    for (const v of this.vars.values()) v.dispose();
    this.vars = null;
  }

  private variables(): Map<string, tf.Variable> {
    if (this.vars) return this.vars;
    const info = backendInfo();
    if (!info) throw new Error(`${this.source}: the tfjs backend is not initialised (call initBackend() before using the model with tfjs)`);
    const bytes = this.float32Bytes();
    if (info.memoryLimitBytes !== null && bytes > 0.9 * info.memoryLimitBytes) {
      throw new Error(`${this.source}: tfjs needs ${gib(bytes)} GiB of float32 parameters for this step, more than the ${info.choice} backend can hold `
        + `(${(info.memoryLimitBytes / 2 ** 30).toFixed(0)} GiB heap, leaving room for activations); forward-only work (info, score, eval, generate, export) runs on `
        + 'ONNX Runtime without this limit; for training or gradient criteria install the native backend @tensorflow/tfjs-node (LAB_BACKEND=node)');
    }
    const vars = new Map<string, tf.Variable>();
    try {
      for (const [name, t] of this.tensors) {
        const data = t.float32();
        vars.set(name, tf.tidy(() => tf.variable(tf.tensor(data, t.shape as number[], 'float32'), true)));
      }
    } catch (e) {
      for (const v of vars.values()) v.dispose();
      throw e;
    }
    this.vars = vars;
    return vars;
  }
}

/** The stored parameters of a model whose params are host params and not yet tfjs variables, else null. */
export function unmaterialized(params: ReadonlyMap<string, tf.Variable>): HostParams | null {
  return params instanceof HostParams && !params.materialized ? params : null;
}
