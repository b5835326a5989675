/**
 * model/lm.ts scoreTokens on the chosen engine: same contract (targets -1 are skipped, NaN out),
 * tfjs or ONNX Runtime (engine/select-engine.ts decides and prints the choice once).
 */
import type { LanguageModel } from '../model/types.ts';
import { scoreTokens, type TokenScores } from '../model/lm.ts';
import type { EngineName } from '../runtime/engine-env.ts';
import { selectEngine } from './select-engine.ts';
import { ortScorePositions } from './ort-score-positions.ts';

export function scoreTokensOn(model: LanguageModel, ids: Int32Array, B: number, T: number, targets: Int32Array, engine?: EngineName): TokenScores {
  if (selectEngine(model, engine) === 'tfjs') return scoreTokens(model, ids, B, T, targets);
  const pairs: { pos: number; target: number }[] = [];
  targets.forEach((t, pos) => { if (t !== -1) pairs.push({ pos, target: t }); });
  const r = ortScorePositions(model, ids, B, T, pairs);
  const logprobs = new Float32Array(B * T).fill(NaN), greedy = new Uint8Array(B * T);
  pairs.forEach((p, k) => { logprobs[p.pos] = r.logprobs[k]!; greedy[p.pos] = r.greedy[k]!; });
  return { logprobs, greedy };
}
