/**
 * gelu_new (GPT-2's tanh approximation): 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3).
 *
 * Written as x * sigmoid(2u), the same function (1 + tanh(u) = 2 sigmoid(2u)), because on
 * tfjs-wasm tanh is a scalar libm loop (~15 ns/element) while sigmoid is XNNPACK (~1 ns/element)
 * (docs/wasm-performance.md, pitfall 7).
 */
import * as tf from '@tensorflow/tfjs-core';

const TWO_SQRT_2_OVER_PI = 2 * Math.sqrt(2 / Math.PI);

/** x [..] -> gelu_new(x) [..]. */
export function geluNew<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => {
    const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.square(x), x), 0.044715)), TWO_SQRT_2_OVER_PI); // 2u
    return tf.mul(x, tf.sigmoid(inner)) as T;
  });
}
