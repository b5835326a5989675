/**
 * The default training objective: summed next-token cross-entropy over the masked targets, from
 * model/lm.ts (family-generic). The loop divides by the step's target-token count, so micro-batches
 * are weighted by their tokens (gradient accumulation equals one big batch).
 */
import { lmLoss, lossAndGrads } from '../model/lm.ts';
import type { Objective } from './objective.ts';

export const lmObjective: Objective = {
  lossAndGrads: (model, batch, opts) => lossAndGrads(model, batch, { ...opts, reduction: 'sum' }),
  lossSum: (model, batch) => {
    const s = lmLoss(model, batch, { training: false, reduction: 'sum' });
    const v = s.dataSync()[0]!;
    s.dispose();
    return v;
  },
};

