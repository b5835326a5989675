/**
 * LayerNorm over the last axis (torch.nn.LayerNorm semantics: biased variance, eps inside sqrt).
 */
import * as tf from '@tensorflow/tfjs-core';

/** x [N, C], gamma [C], beta [C] -> [N, C]. */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor2D {
  return tf.tidy(() => {
    const mu = tf.mean(x, -1, true);                       // [N, 1]
    const xc = tf.sub(x, mu);                               // [N, C]
    const variance = tf.mean(tf.square(xc), -1, true);      // [N, 1]
    const inv = tf.rsqrt(tf.add(variance, eps));            // [N, 1]
    return tf.add(tf.mul(tf.mul(xc, inv), gamma), beta) as tf.Tensor2D;
  });
}
