/**
 * Clamp to [-c, c] with torch.clamp's gradient (1 where -c <= x <= c, else 0), for OLMo's
 * clip_qkv. tfjs-core registers no gradient for ClipByValue (see ops/gradients.ts), so the
 * derivative is given here with a customOp.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.ts';

const clipOps = new Map<number, (x: tf.Tensor) => tf.Tensor>();

function clipOp(c: number): (x: tf.Tensor) => tf.Tensor {
  let op = clipOps.get(c);
  if (!op) {
    op = customOp<tf.Tensor>(([x], save) => {
      save([x!]);
      return {
        value: tf.clipByValue(x!, -c, c),
        gradFunc: (dy, [sx]) => [tf.mul(dy, tf.cast(tf.logicalAnd(tf.greaterEqual(sx!, -c), tf.lessEqual(sx!, c)), 'float32'))],
      };
    });
    clipOps.set(c, op);
  }
  return op;
}

/** x [..] -> min(max(x, -c), c) [..], c > 0. */
export function clipValue<T extends tf.Tensor>(x: T, c: number): T {
  if (!(c > 0)) throw new Error(`clipValue: bound must be > 0, got ${c}`);
  return clipOp(c)(x) as T;
}
