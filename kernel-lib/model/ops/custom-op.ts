/**
 * A typed front for tf.customGrad: `f(inputs, save)` returns the value and a gradFunc giving one
 * gradient per input. (tf.customGrad's own signature mixes tensors and the save function in one
 * rest parameter, which strict TypeScript cannot check.)
 */
import * as tf from '@tensorflow/tfjs-core';
// Every model op is differentiated by the tape: make sure the kernel gradients are registered.
import './gradients.ts';

export type CustomOpBody<T extends tf.Tensor> = (inputs: tf.Tensor[], save: tf.GradSaveFunc) => {
  value: T;
  gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor[];
};

/** Wraps `f` as a differentiable op called with tensors only. */
export function customOp<T extends tf.Tensor>(f: CustomOpBody<T>): (...inputs: tf.Tensor[]) => T {
  const g = tf.customGrad<T>((...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    return f(args.slice(0, -1) as tf.Tensor[], save);
  });
  return (...inputs) => g(...inputs);
}
