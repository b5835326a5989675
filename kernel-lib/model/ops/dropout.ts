/**
 * Inverted dropout with an explicit seed (same seed, same mask), identity when rate is 0.
 */
import * as tf from '@tensorflow/tfjs-core';

/** x [..] -> x * mask / (1 - rate), mask ~ Bernoulli(1 - rate) drawn from `seed`. */
export function dropout<T extends tf.Tensor>(x: T, rate: number, seed: number): T {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout: rate must be in [0, 1), got ${rate}`);
  if (rate === 0) return x;
  return tf.tidy(() => {
    const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), rate), 'float32');
    return tf.mul(x, tf.mul(keep, 1 / (1 - rate))) as T;
  });
}
