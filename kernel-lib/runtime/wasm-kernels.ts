/**
 * Kernel replacements for the tfjs wasm backend (4.22), installed by initBackend on wasm only.
 *
 * Slice: the stock kernel calls `backend.readSync(x)`, which copies the WHOLE input out of the
 * wasm heap on every call, so k slices of one tensor cost O(k * size) (docs/wasm-performance.md
 * pitfall 3: 48 slices of a 1.5 MB tensor 15 ms -> 0.75 ms). This one copies only the selected
 * rows through a view of the heap. Strings and anything unexpected go to the original kernel.
 *
 * Identity: the stock kernel copies the tensor; tfjs-core runs it for every tf.clone, including
 * the clone of each tensor a kernel saves for its gradient (engine.saveTensorsForBackwardMode),
 * so training copied every saved activation once (~1.7 s of a 6.5 s mini train step). Tensors
 * are immutable, so the clone shares the data with a reference count (what Reshape already does).
 */
import * as tf from '@tensorflow/tfjs-core';

/** The wasm backend surface this file uses (internal to tfjs-backend-wasm, stable in 4.22). */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  incRef(dataId: tf.DataId): void;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

let installed = false;

function sliceViaHeap(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return original(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x, begin, size);
    const out = backend.makeOutput(s, x.dtype);
    // Views are taken after makeOutput: allocating may grow (and so detach) the heap buffer.
    const xv = backend.typedArrayFromHeap(x), ov = backend.typedArrayFromHeap(out);
    const rank = x.shape.length;
    if (ov.length === 0) return out;
    if (rank === 0) { ov[0] = xv[0]!; return out; }
    const strides = tf.util.computeStrides(x.shape);     // rank-1 entries
    const last = s[rank - 1]!;
    const outer = ov.length / last;
    const idx = new Array<number>(Math.max(0, rank - 1)).fill(0);   // index within s[0..rank-2]
    for (let r = 0; r < outer; r++) {
      let off = b[rank - 1]!;
      for (let d = 0; d < rank - 1; d++) off += (b[d]! + idx[d]!) * strides[d]!;
      ov.set(xv.subarray(off, off + last), r * last);
      for (let d = rank - 2; d >= 0; d--) { if (++idx[d]! < s[d]!) break; idx[d] = 0; }
    }
    return out;
  };
}

function identityShared(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return original(args);
    (args.backend as unknown as WasmBackendLike).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

function replace(kernelName: string, wrap: (original: tf.KernelFunc) => tf.KernelFunc): void {
  const cfg = tf.getKernel(kernelName, 'wasm');
  if (!cfg) return;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...cfg, kernelFunc: wrap(cfg.kernelFunc) });
}

/** Re-registers the Slice and Identity kernels of the `wasm` backend (idempotent). */
export function installWasmKernels(): void {
  if (installed) return;
  replace('Slice', sliceViaHeap);
  replace('Identity', identityShared);
  installed = true;
}
