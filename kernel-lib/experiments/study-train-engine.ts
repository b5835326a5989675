/**
 * Which engine trains the study's steps (multi-task fine-tuning, pruning recovery, the dense
 * control), and the part of their cache keys that names it. The profile chooses (`mini`: ONNX
 * Runtime, `paper`: tfjs); LAB_TRAIN_ENGINE, which `lab reproduce --train-engine` sets, overrides it,
 * so `npm run reproduce`, the notebooks and `lab reproduce` share one cache unless a run asks otherwise.
 */
import { trainEngineName } from '../train/choose-engine.ts';
import { TRAINING_NUMERICS } from '../train/numerics-version.ts';
import type { Profile } from './profiles.ts';

export type StudyTrainEngine = 'ort' | 'tfjs';

/** LAB_TRAIN_ENGINE when set (validated), else the profile's engine. */
export function studyTrainEngine(profile: Pick<Profile, 'trainEngine'>): StudyTrainEngine {
  return trainEngineName() ?? profile.trainEngine;
}

/** The part of a training step's key that names its engine (`trainEngine: 'ort'`; absent for tfjs,
 *  as in the keys steps had before the ONNX Runtime engine), so the two never share a cache entry,
 *  and the version of the training arithmetic (train/numerics-version.ts), so steps trained by
 *  older code are not reused. */
export function trainEngineKey(engine: StudyTrainEngine): { readonly trainEngine?: 'ort'; readonly trainingNumerics: number } {
  return engine === 'ort' ? { trainEngine: 'ort', trainingNumerics: TRAINING_NUMERICS } : { trainingNumerics: TRAINING_NUMERICS };
}
