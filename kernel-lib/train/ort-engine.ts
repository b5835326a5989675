/**
 * The ONNX Runtime training engine (`finetune(..., { engine: 'ort' })`): gradients of the
 * next-token loss from the hand-derived backward graph (ort-gradients.ts), summed into each slot's
 * own `grad` buffer, then the host AdamW (adamw.ts adamwStep) on the state's master weights, which
 * the training graph reads directly at every micro-batch. w, m, v and the sums sit together in an
 * AdamW kernel arena (adamw-kernel.ts), so the update runs in place, and the first micro-batch of
 * an update writes its gradients over the sums (no zeroing pass, no add).
 * Validation runs the loss-only graph of the same forward on the master weights (no session per
 * evaluation), so the model's variables are written once, at close, not after every update
 * (GPT-2 small: 0.5 GB copied per update). Checkpoints are the host state, as the host engine's.
 * Dropout: a micro-batch with `training` runs the graph variant with the config's dropout, its
 * masks drawn on the host from the loop's per-micro-batch seed (so a resumed run draws the same).
 * Limit: the default objective only (the graph computes next-token cross-entropy).
 */
import { adamwStep, allocateSlots, writeWeights, type AdamWState } from './adamw.ts';
import { packBlocks } from './batch-tensors.ts';
import { lmObjective } from './lm-objective.ts';
import { createOrtGradients } from './ort-gradients.ts';
import { modelFromState, type StartEngine, type TrainingEngine } from './training-engine.ts';

export const ortEngine: StartEngine = (start): TrainingEngine => {
  if (start.objective !== lmObjective) throw new Error('finetune engine \'ort\': the ONNX training graph computes the next-token loss only; a custom objective needs the tfjs engine');
  const { state } = start;
  const model = modelFromState(start);
  const acc = gradSums(state);
  const og = createOrtGradients(model, { dropout: 'apply', weights: new Map([...state.slots].map(([n, s]) => [n, s.w])) });
  let fresh = false;   // zeroGrads was called and no micro-batch has written the sums since
  let stale = false;   // the model's variables lag the master weights (written at close: validation reads the master weights)
  const settle = () => { if (fresh) { for (const a of acc.values()) a.fill(0); fresh = false; } };
  return {
    model,
    zeroGrads: () => { fresh = true; },
    addGrads: async (blocks, opts) => {
      const overwrite = fresh;
      fresh = false;
      return (await og.lossAndGrads(packBlocks(blocks), acc, { overwrite, ...(opts.training ? { dropoutSeed: opts.seed } : {}) })).loss;
    },
    squaredNorm: async () => {
      settle();
      let s = 0;
      for (const a of acc.values()) for (let k = 0; k < a.length; k++) s += a[k]! * a[k]!;
      return s;
    },
    update: async (lr, gradScale) => {
      settle();
      adamwStep(state, acc, lr, gradScale);
      stale = true;
    },
    heldOutLossSum: async (blocks) => (await og.loss(packBlocks(blocks))).loss,
    hostState: () => state,
    close: async () => {
      if (stale) writeWeights(state, model.params);
      stale = false;
      og.close();
    },
  };
};

/** The gradient sum of every slot: its own `grad` when it has one (an AdamW kernel arena, so the
 *  update runs in place); a slot without one (a state built elsewhere) is first moved into an arena. */
function gradSums(state: AdamWState): Map<string, Float32Array> {
  const bare = [...state.slots].filter(([, s]) => !s.grad);
  if (bare.length > 0) {
    const moved = allocateSlots(bare.map(([name, s]) => ({ name, shape: s.shape, decay: s.decay })));
    for (const [name, s] of bare) {
      const t = moved.get(name)!;
      t.w.set(s.w); t.m.set(s.m); t.v.set(s.v);
      state.slots.set(name, t);
    }
  }
  return new Map([...state.slots].map(([n, s]) => [n, s.grad!]));
}
