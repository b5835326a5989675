/** Test helper: a tiny Llama-like model (any model_type) with random weights, every 1-D tensor
 *  (norm weights, biases) moved away from its init so a missing one shows. */
import * as tf from '@tensorflow/tfjs-core';
import { getFamily, type LanguageModel } from '../../kernel-lib/index.ts';

export function randomLlamaLike(raw: Record<string, unknown>, seed: number): LanguageModel {
  const fam = getFamily(raw.model_type as string);
  const config = fam.parseConfig({ initializer_range: 0.2, ...raw }, 'test config');
  const params = new Map([...fam.initParams(config, seed)].map(([n, t], k) => {
    if (t.rank === 1) {
      const moved = tf.tidy(() => tf.add(t, tf.randomNormal(t.shape, 0, 0.3, 'float32', seed * 7919 + k)));
      t.dispose();
      return [n, tf.variable(moved)];
    }
    return [n, tf.variable(t)];
  }));
  return { family: fam.name, config, params };
}
