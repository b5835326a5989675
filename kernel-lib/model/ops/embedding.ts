/**
 * Row lookup in an embedding table with a gradient the wasm backend can run.
 *
 * tf.gather's built-in gradient needs UnsortedSegmentSum, which tfjs-wasm 4.22 lacks
 * (docs/wasm-performance.md, pitfall 5). ScatterNd sums duplicate indices, which is exactly the
 * embedding gradient: dTable[v] = sum of dy rows whose id is v.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.ts';

const embeddingOp = customOp<tf.Tensor>(([table, ids], save) => {
  save([ids]);
  return {
    value: tf.gather(table, ids),
    gradFunc: (dy, saved) => {
      const g = dy as tf.Tensor2D;                              // [N, C]
      const idx = tf.reshape(saved[0]!, [-1, 1]);               // [N, 1]
      return [tf.scatterND(idx, g, table.shape), tf.zerosLike(saved[0]!)];
    },
  };
});

/** table [V, C], ids [N] int32 -> rows [N, C]. */
export function embedding(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  if (table.rank !== 2 || ids.rank !== 1 || ids.dtype !== 'int32') {
    throw new Error(`embedding: expected table [V,C] and ids [N] int32, got table [${table.shape}], ids [${ids.shape}] ${ids.dtype}`);
  }
  return embeddingOp(table, ids) as tf.Tensor2D;
}
