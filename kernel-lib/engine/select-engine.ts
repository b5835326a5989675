/**
 * Which engine runs a forward-only pass: the caller's choice, else LAB_ENGINE, else 'ort'.
 * 'ort' falls back to tfjs, with one printed line, when onnxruntime-node does not load or when
 * the model's family has no ONNX description (engine/onnx-families.ts). The choice is printed
 * once per process (and each fallback reason once), like the tfjs backend (runtime/backend.ts).
 */
import { settings } from '../runtime/settings.ts';
import { infoLine } from '../runtime/info-line.ts';
import type { LanguageModel } from '../model/types.ts';
import { engineFromEnv, ortThreads, type EngineName } from '../runtime/engine-env.ts';
import { loadOrt } from './ort-runtime.ts';
import { onnxFamily } from './onnx-families.ts';

const said = new Set<string>();

function sayOnce(line: string, quiet: boolean): void {
  if (said.has(line)) return;
  said.add(line);
  if (!quiet && !settings().quiet) infoLine(`[lab] ${line}`);
}

/** Whether onnxruntime-node loads in this process (and why not). */
export function ortAvailable(): { ok: boolean; reason: string } {
  const { ort, reason } = loadOrt();
  return { ok: ort !== null, reason };
}

/** The engine that will run `model` given the requested one (see the file comment). */
export function selectEngine(model: LanguageModel, requested?: EngineName, opts: { quiet?: boolean } = {}): EngineName {
  const quiet = opts.quiet ?? false;
  const want = requested ?? engineFromEnv() ?? 'ort';
  if (want === 'tfjs') { sayOnce('engine: tfjs', quiet); return 'tfjs'; }
  const { ort, reason } = loadOrt();
  if (!ort) { sayOnce(`engine: tfjs (fallback: ${reason})`, quiet); return 'tfjs'; }
  if (!onnxFamily(model.family)) { sayOnce(`engine: tfjs for family '${model.family}' (fallback: it has no ONNX description)`, quiet); return 'tfjs'; }
  sayOnce(`engine: ort (${reason}, ${ortThreads()} threads)`, quiet);
  return 'ort';
}
