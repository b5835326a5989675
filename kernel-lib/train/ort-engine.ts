/**
 * The ONNX Runtime training engine (`finetune(..., { engine: 'ort' })`): gradients of the
 * next-token loss from the hand-derived backward graph (ort-gradients.ts), summed into host
 * arrays, then the host AdamW (adamw.ts adamwStep) on the state's master weights, which the
 * training graph reads directly at every micro-batch; the model's variables get the new weights
 * after each update (writeWeights), for the caller. Validation runs the loss-only graph of the same
 * forward on the master weights (no session per evaluation). Checkpoints are the host
 * state, as the host engine's.
 * Limits: the default objective only (the graph computes next-token cross-entropy), and no
 * dropout (a run with `dropout: true` on a config with dropout > 0 is refused).
 */
import { adamwStep, writeWeights } from './adamw.ts';
import { packBlocks } from './batch-tensors.ts';
import { lmObjective } from './lm-objective.ts';
import { createOrtGradients } from './ort-gradients.ts';
import { modelFromState, type StartEngine, type TrainingEngine } from './training-engine.ts';

function hasDropout(config: object): boolean {
  const c = config as { dropout?: Record<string, number>; attentionDropout?: number };
  return [...Object.values(c.dropout ?? {}), c.attentionDropout ?? 0].some((p) => p > 0);
}

export const ortEngine: StartEngine = (start): TrainingEngine => {
  if (start.objective !== lmObjective) throw new Error('finetune engine \'ort\': the ONNX training graph computes the next-token loss only; a custom objective needs the tfjs engine');
  const { state } = start;
  const model = modelFromState(start);
  const og = createOrtGradients(model, { dropout: 'ignore', weights: new Map([...state.slots].map(([n, s]) => [n, s.w])) });
  const acc = new Map([...state.slots].map(([n, s]) => [n, new Float32Array(s.w.length)]));
  return {
    model,
    zeroGrads: () => { for (const a of acc.values()) a.fill(0); },
    addGrads: async (blocks, opts) => {
      if (opts.training && hasDropout(model.config)) throw new Error(`finetune engine 'ort': the ${model.family} config asks for dropout, which the ONNX training graph does not apply; train with dropout: false or the tfjs engine`);
      return (await og.lossAndGrads(packBlocks(blocks), acc)).loss;
    },
    squaredNorm: async () => {
      let s = 0;
      for (const a of acc.values()) for (let k = 0; k < a.length; k++) s += a[k]! * a[k]!;
      return s;
    },
    update: async (lr, gradScale) => {
      adamwStep(state, acc, lr, gradScale);
      writeWeights(state, model.params);
    },
    heldOutLossSum: async (blocks) => (await og.loss(packBlocks(blocks))).loss,
    hostState: () => state,
    close: async () => { og.close(); },
  };
};
