/**
 * One process of the `realsize-*-forward` bench cases: `node --import tsx bench/realsize-forward-child.ts
 * DIR THREADS B T WARM TIMED` loads the checkpoint folder DIR as `lab` does, then scores ids
 * [B, T] (random, seeded) on ONNX Runtime with THREADS intra-op threads: the log-probability of
 * the next id at every position. Prints one JSON line: load seconds, the first step's seconds
 * (session build + forward), per-step wall and CPU seconds, peak RSS.
 */
import { initBackend } from '../kernel-lib/runtime/backend.ts';
import { setEnv } from '../kernel-lib/runtime/settings.ts';
import { loadModel } from '../kernel-lib/model/load-model.ts';
import { ortScorePositions } from '../kernel-lib/engine/ort-score-positions.ts';
import { createRng } from '../kernel-lib/runtime/random.ts';
import { timeSteps } from './case.ts';

const dir = process.argv[2]!;
const [threads, B, T, warm, timed] = process.argv.slice(3).map(Number) as [number, number, number, number, number];
setEnv('LAB_ORT_THREADS', `${threads}`);   // read when the session is built (runtime/settings.ts)
await initBackend({ quiet: true });
let t0 = performance.now();
const model = await loadModel(dir);
const loadSec = (performance.now() - t0) / 1000;
const V = model.config.vocabSize;
const rng = createRng(2);
const ids = Int32Array.from({ length: B * T }, () => rng.int(V));
const pairs = Array.from({ length: B * T }, (_, pos) => ({ pos, target: pos % T === T - 1 ? rng.int(V) : ids[pos + 1]! }));
t0 = performance.now();
const first = ortScorePositions(model, ids, B, T, pairs);
const firstStepSec = (performance.now() - t0) / 1000;
if (!first.logprobs.every(Number.isFinite)) throw new Error(`${dir}: non-finite log-probabilities`);
const secs = await timeSteps(() => { ortScorePositions(model, ids, B, T, pairs); }, Math.max(0, warm - 1), timed);
console.log(JSON.stringify({
  threads, loadSec: +loadSec.toFixed(2), firstStepSec: +firstStepSec.toFixed(3), wall: secs.wall, cpu: secs.cpu,
  peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
}));
