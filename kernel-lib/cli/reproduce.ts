/**
 * `lab reproduce [--profile mini|paper] [--quick] [--dry-run] [--data-dir DIR] [--wasm-threads N] [--train-replicas N] [--train-engine ort|tfjs] [--seeds N]`: the study end to end.
 * `--dry-run` checks each step against this machine: the backend it needs, its memory against this
 * machine's, its inputs already in the hub cache, and a verdict (experiments/dry-run.ts).
 */
import { getProfile } from '../experiments/profiles.ts';
import { reproduce } from '../experiments/reproduce.ts';
import { dryRun } from '../experiments/dry-run.ts';
import { textTable } from './open-model.ts';
import { choiceArg, helpText, inDirArg, numberArg, parseCommand, type CommandSpec } from './args.ts';
import { setEnv, settings } from '../runtime/settings.ts';

export const summary = 'run the whole study (Tables 1-3, perplexity table, plots) for a profile; --dry-run to see the plan';

export const spec = {
  name: 'lab reproduce',
  usage: '[--profile mini|paper] [--quick] [--dry-run] [--data-dir DIR] [--wasm-threads N] [--train-replicas N] [--train-engine ort|tfjs] [--seeds N]',
  description: 'The study end to end: each step cached under results/steps, tables and plots under results/.',
  flags: {
    profile: { type: 'string', value: 'mini|paper', default: 'mini', help: 'mini: embedded models and generated tasks (no download); paper: the real models and datasets' },
    quick: { type: 'boolean', help: 'fewer documents and updates (a smoke run)' },
    'dry-run': { type: 'boolean', help: 'check each step here (backend, memory, cached downloads, verdict) and exit' },
    'data-dir': { type: 'string', value: 'DIR', help: 'data folder of the paper profile (default: the folder lab data download fills)' },
    'wasm-threads': { type: 'string', value: 'N', help: 'threads of the wasm build\'s matmul pool (default LAB_WASM_THREADS, else 1)' },
    'train-replicas': { type: 'string', value: 'N', help: 'data-parallel training replicas on wasm, one core each (default LAB_TRAIN_REPLICAS, else 1; npm run reproduce passes 2)' },
    'train-engine': { type: 'string', value: 'ort|tfjs', help: 'what computes the training gradients: tfjs, or ONNX Runtime graphs (default LAB_TRAIN_ENGINE, else the profile\'s: mini ort, paper tfjs); the engine is part of every training step\'s key' },
    seeds: { type: 'string', value: 'N', help: 'training seeds: every trained arm (fine-tuning, pruning recovery, dense control) runs N times, seeds 0..N-1, and the tables carry the seed-to-seed spread (default LAB_SEEDS, else the profile\'s: 1; seed 0 is the single-seed study\'s cache)' },
  },
} as const satisfies CommandSpec;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (!parsed) { console.log(helpText(spec)); return 0; }
  const { values } = parsed;
  choiceArg(values.profile, 'profile', ['mini', 'paper']);
  if (values['data-dir']) inDirArg(values['data-dir'], 'data-dir');
  const wasmThreads = numberArg(values['wasm-threads'], 'wasm-threads', { integer: true, min: 1 });
  const trainReplicas = numberArg(values['train-replicas'], 'train-replicas', { integer: true, min: 1 });
  if (values['train-engine'] !== undefined) choiceArg(values['train-engine'], 'train-engine', ['ort', 'tfjs']);
  const trainEngine = values['train-engine'] as 'ort' | 'tfjs' | undefined;
  const seeds = numberArg(values.seeds, 'seeds', { integer: true, min: 1 });
  if (seeds !== undefined) setEnv('LAB_SEEDS', String(seeds));   // the dry run lists the seeds' steps too
  const named = getProfile(values.profile, { quick: values.quick || settings().quick });
  // --data-dir replaces the folder a non-mini profile reads (the mini data is generated).
  const profile = values['data-dir'] && named.data.kind === 'folder' ? { ...named, data: { kind: 'folder' as const, dir: values['data-dir'] } } : named;
  if (values['dry-run']) {
    const plan = await dryRun(profile);
    const m = plan.machine;
    const ort = m.ort.providers ? `onnxruntime-node with ${m.ort.providers.map((p) => `${p.name}${p.available ? '' : ' (absent)'}`).join(', ')}` : `no onnxruntime-node (${m.ort.reason})`;
    console.log(`profile '${profile.name}': ${profile.description}`);
    console.log(`\nthis machine: ${(m.totalBytes / 1e9).toFixed(1)} GB memory; tfjs backends ${[...m.tfjs].join(', ') || 'none'} (wasm heap 4 GiB); ${ort}`);
    console.log('\ndownloads:');
    console.log(textTable(['what', 'repo', 'files', 'size', 'cached'], plan.downloads.map((d) => [d.what, d.repo, d.files, d.size, d.cached])));
    console.log('\nsteps:');
    console.log(textTable(['#', 'step', 'engine/backend', 'memory needed of available', 'cached inputs', 'verdict'],
      plan.steps.map((s, i) => [String(i + 1), s.step, s.needs, s.memory, s.cached, s.verdict])));
    const no = plan.steps.filter((s) => !s.runsHere).length;
    console.log(`\n${no === 0 ? 'every step runs here' : `${no} of ${plan.steps.length} steps cannot run here`}; time: ${plan.needs.time}`);
    return 0;
  }
  await reproduce(profile, undefined, { ...(wasmThreads === undefined ? {} : { wasmThreads }), ...(trainReplicas === undefined ? {} : { trainReplicas }), ...(trainEngine === undefined ? {} : { trainEngine }), ...(seeds === undefined ? {} : { seeds }) });
  return 0;
}
