/**
 * The device engine: AdamW's moments as tensors beside the model's variables (adamw-device.ts) and
 * the gradient sums as tensors, for the native backends (tfjs-node, tfjs-node-gpu), where reading
 * every gradient out and writing every weight back costs more than the update. Checkpoints are the
 * host layout (`hostState` reads w, m, v out), so either engine resumes the other's.
 */
import * as tf from '@tensorflow/tfjs-core';
import { deviceAdamwStep, deviceFromHost, deviceSumSquares, toHostState } from './adamw-device.ts';
import { disposeBatch, toLossBatch } from './batch-tensors.ts';
import { modelFromState, type StartEngine, type TrainingEngine } from './training-engine.ts';

/** Starts the device engine: the state's moments go to the device and its host arrays are dropped
 *  (its slots are emptied). */
export const deviceEngine: StartEngine = (start): TrainingEngine => {
  const model = modelFromState(start);
  const dev = deviceFromHost(start.state, model.params as ReadonlyMap<string, tf.Variable>);
  start.state.slots.clear();                  // the host copies are not needed any more (the engine owns the state)
  const { objective } = start;
  const acc = new Map<string, tf.Tensor>();   // summed gradients, by parameter
  const zero = (): void => { for (const g of acc.values()) g.dispose(); acc.clear(); };
  return {
    model,
    zeroGrads: zero,
    async addGrads(blocks, opts) {
      const batch = toLossBatch(blocks);
      try {
        const { loss, grads } = objective.lossAndGrads(model, batch, opts);
        try {
          for (const name of dev.slots.keys()) {
            const g = grads.get(name);
            if (!g) throw new Error(`finetune: the objective returned no gradient for ${name}`);
            const prev = acc.get(name);
            acc.set(name, prev ? tf.add(prev, g) : tf.clone(g));
            prev?.dispose();
          }
        } finally { for (const g of grads.values()) g.dispose(); }
        return loss;
      } finally { disposeBatch(batch); }
    },
    squaredNorm: async () => deviceSumSquares(acc.values()),
    update: async (lr, gradScale) => deviceAdamwStep(dev, acc, lr, gradScale),
    hostState: () => toHostState(dev),
    async close() {
      zero();
      for (const s of dev.slots.values()) { s.m.dispose(); s.v.dispose(); }
      dev.slots.clear();
    },
  };
};
