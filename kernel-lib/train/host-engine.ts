/**
 * The host engine: AdamW state in JS arrays (adamw.ts), gradients read out of tfjs and summed into
 * host arrays, by the main thread alone (count 1) or by `count` data-parallel wasm replicas
 * (replicas.ts). What wasm needs: its 4 GiB heap holds the model and activations, not the
 * optimizer state.
 */
import { startReplicas } from './replicas.ts';
import { modelFromState, type StartEngine, type TrainingEngine } from './training-engine.ts';

/** Starts the host engine over `count` threads (1 = the main thread only). */
export function hostEngine(count: number): StartEngine {
  return (start): TrainingEngine => {
    const model = modelFromState(start);
    const replicas = startReplicas(model, count, start.state);
    return {
      model,
      zeroGrads: () => replicas.zeroGrads(),
      addGrads: (blocks, opts) => replicas.addGrads(model, blocks, opts, start.objective),
      squaredNorm: () => replicas.reduce(),
      update: (lr, gradScale) => replicas.update(model.params, lr, gradScale),
      hostState: () => start.state,   // with count > 1, its slots are the shared copies the replicas update
      close: () => replicas.close(),
    };
  };
}
